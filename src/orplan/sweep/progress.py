"""The progress bar of ``orplan sweep``: cells done and failed, redrawn in place.

On a terminal the bar is one line redrawn after every cell, with a failed cell's error
printed above it so it stays readable; into a file or a pipe (CI logs) every cell gets its
own line instead, since carriage returns make logs unreadable. No third-party dependency:
the bar is a few characters, not worth rich or tqdm in the pinned install.
"""

from __future__ import annotations

import time
from typing import Any, TextIO

WIDTH = 24


def _clock(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``) for a duration in seconds."""
    s = round(seconds)
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class SweepProgress:
    """A :data:`orplan.sweep.runner.Progress` callback that draws a bar on ``stream``.

    Parameters
    ----------
    stream
        Where to draw (standard error in the CLI).
    tty
        Redraw one line in place; default: ``stream.isatty()``.
    clock
        Seconds since an arbitrary origin (tests pass a fake one).
    """

    def __init__(self, stream: TextIO, tty: bool | None = None, clock: Any = None) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.clock = clock or time.perf_counter
        self.began = self.clock()

    def bar(self, done: int, failed: int, total: int) -> str:
        """The bar's text for ``done`` of ``total`` cells, ``failed`` of them failed."""
        filled = WIDTH * done // total if total else WIDTH
        bad = min(filled, -(-WIDTH * failed // total)) if total and failed else 0
        cells = "x" * bad + "#" * (filled - bad) + "." * (WIDTH - filled)
        elapsed = self.clock() - self.began
        eta = ""
        if 0 < done < total:
            eta = f", about {_clock(elapsed / done * (total - done))} left"
        return f"[{cells}] {done}/{total} cells, {failed} failed, {_clock(elapsed)}{eta}"

    def __call__(self, done: int, failed: int, total: int, row: dict[str, Any]) -> None:
        """Show that one more cell (``row``) ended."""
        what = row.get("error") if row.get("status") == "FAILED" else f"cost {row.get('cost')}"
        line = f"{row.get('id')}: {row.get('status')} {what}"
        if not self.tty:
            print(f"  [{done}/{total}, {failed} failed] {line}", file=self.stream, flush=True)
            return
        # Clear the bar, keep failures on screen above it, then redraw the bar.
        self.stream.write("\r\x1b[2K")
        if row.get("status") == "FAILED":
            self.stream.write(f"  {line}\n")
        self.stream.write(self.bar(done, failed, total))
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
