"""Reading input files and writing outputs, with every failure as one readable line.

Reading: :func:`read_bytes` and :func:`read_text` turn each way a file can fail to open
(missing, a folder, no permission, empty, not UTF-8) into a
:class:`~orplan.errors.ScenarioError` naming the file.

Writing: :func:`check_output_folder` and :func:`check_output_file` look at an output path
*before* any work, so a bad ``--out`` costs no solve; :func:`atomic_path` writes through a
temporary file renamed into place, with the permissions the user's umask gives new files.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from orplan.errors import OutputPathError, ScenarioError

__all__ = [
    "atomic_path",
    "atomic_write_text",
    "check_output_file",
    "check_output_folder",
    "current_umask",
    "read_bytes",
    "read_text",
    "utf8_problem",
]

_UMASK_LOCK = threading.Lock()


def read_bytes(path: Path, *, missing: str = "file not found") -> bytes:
    """Return the bytes of ``path``; raise a one-line :class:`ScenarioError` if unreadable.

    Parameters
    ----------
    path
        The input file.
    missing
        Message when the file does not exist.

    Returns
    -------
    bytes
        The content, never empty.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(str(path), [missing]) from None
    except IsADirectoryError:
        raise ScenarioError(str(path), ["is a folder, not a file"]) from None
    except PermissionError:
        raise ScenarioError(str(path), ["permission denied: cannot read the file"]) from None
    except OSError as exc:
        raise ScenarioError(str(path), [f"cannot read file ({exc.strerror or exc})"]) from None
    if not data.strip():
        raise ScenarioError(str(path), ["file is empty"])
    return data


def utf8_problem(error: UnicodeDecodeError, data: bytes) -> str:
    """The message for bytes that are not UTF-8: which byte, where, and what to do."""
    line = data[: error.start].count(b"\n") + 1
    return (
        f"not UTF-8 text (byte 0x{data[error.start]:02x} at position {error.start}, "
        f"line {line}): save it as UTF-8"
    )


def read_text(path: Path, *, missing: str = "file not found") -> str:
    """Return the text of a UTF-8 file (a leading byte-order mark is dropped).

    Parameters
    ----------
    path
        The input file.
    missing
        Message when the file does not exist.

    Returns
    -------
    str

    Raises
    ------
    orplan.errors.ScenarioError
        Missing, a folder, unreadable, empty, or not UTF-8.
    """
    data = read_bytes(path, missing=missing)
    try:
        # Decoding the whole file (not through a text stream) makes the position exact.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(str(path), [utf8_problem(exc, data)]) from None


def _first_existing(path: Path) -> Path:
    """``path`` or its nearest ancestor that exists (the folder a mkdir would start in)."""
    probe = path.absolute()
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return probe


def _check_creatable(path: Path, option: str) -> None:
    """Raise unless the missing ``path`` could be created (as a file or a folder)."""
    base = _first_existing(path.parent)
    if not base.is_dir():
        raise OutputPathError(option, path, f"{base} is a file, not a folder")
    if not os.access(base, os.W_OK | os.X_OK):
        raise OutputPathError(option, path, f"permission denied: cannot write in {base}")


def check_output_folder(path: Path, option: str = "--out") -> None:
    """Check that ``path`` is, or can be made, a writable folder; create nothing.

    Parameters
    ----------
    path
        The output folder named on the command line.
    option
        The option that named it, for the message.

    Raises
    ------
    orplan.errors.OutputPathError
        The path is a file, lies under a file, or is not writable.
    """
    if path.is_dir():
        if not os.access(path, os.W_OK | os.X_OK):
            raise OutputPathError(option, path, "permission denied: cannot write in the folder")
    elif path.exists():
        raise OutputPathError(option, path, "is a file; name a folder for the outputs")
    else:
        _check_creatable(path, option)


def check_output_file(path: Path, option: str = "--out") -> None:
    """Check that the file ``path`` can be written (replaced if it exists); create nothing.

    Parameters
    ----------
    path
        The output file named on the command line.
    option
        The option that named it, for the message.

    Raises
    ------
    orplan.errors.OutputPathError
        The path is a folder, lies under a file, or cannot be written.
    """
    if path.is_dir():
        raise OutputPathError(option, path, "is a folder; name a file")
    if path.exists():
        # Outputs are replaced by rename, which needs write access to the folder.
        folder = path.absolute().parent
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OutputPathError(option, path, f"permission denied: cannot write in {folder}")
    else:
        _check_creatable(path, option)


def current_umask() -> int:
    """The process umask, read without leaving it changed.

    Linux shows it in ``/proc/self/status``; elsewhere it is set and restored at once
    (under a lock, as ``os.umask`` is the only portable way to read it).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: Path, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temporary file beside ``path``; on success rename it to ``path``.

    An interrupted write never leaves a half-written file beside good ones. The temporary
    file is created private (``mkstemp``); it gets the mode a new file would have under the
    user's umask before the rename, so outputs can be shared like any other file.

    Parameters
    ----------
    path
        The file to write (its folder is created if missing).
    suffix
        Suffix of the temporary name (some writers look at it).

    Yields
    ------
    pathlib.Path
        Where to write.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
