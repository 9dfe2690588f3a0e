"""Solves and replans in worker processes, at most N at once, with progress and cancel.

Each job gets its own process (``spawn``: a fresh interpreter, safe beside the server's
threads) and a thread in the server that feeds it the request, collects its progress and,
at the end, hands the result to a callback that stores it. Cancel terminates the process:
nothing of a cancelled job is stored.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Job", "JobManager"]


@dataclass
class Job:
    """One solve or replan and where it stands.

    Attributes
    ----------
    id
        Job number (per server run).
    kind
        ``solve`` or ``replan``.
    draft_id
        The draft whose plan the result replaces.
    status
        ``queued``, ``running``, ``done``, ``failed`` or ``cancelled``.
    progress
        The last progress message: elapsed, objective (cost), bound, gap.
    message
        Why a job failed, or what it did, in plain words.
    """

    id: int
    kind: str
    draft_id: int
    status: str = "queued"
    progress: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    cancel_requested: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The job as the page's progress poll sees it."""
        return {
            "id": self.id,
            "kind": self.kind,
            "draft": self.draft_id,
            "status": self.status,
            "progress": self.progress,
            "message": self.message,
        }


class JobManager:
    """Runs jobs in worker processes.

    Parameters
    ----------
    max_parallel
        At most this many worker processes at once; later jobs wait as ``queued``.
    """

    def __init__(self, max_parallel: int = 1) -> None:
        self._slots = threading.BoundedSemaphore(max(1, max_parallel))
        self._jobs: dict[int, Job] = {}
        self._processes: dict[int, Any] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._context = multiprocessing.get_context("spawn")

    def submit(
        self,
        kind: str,
        draft_id: int,
        request: dict[str, Any],
        on_done: Callable[[Job, dict[str, Any]], str],
    ) -> Job:
        """Start a job; ``on_done(job, result)`` stores a result and returns a note."""
        job = Job(next(self._ids), kind, draft_id)
        with self._lock:
            self._jobs[job.id] = job
        payload = json.dumps({"kind": kind, **request}).encode()
        thread = threading.Thread(
            target=self._run, args=(job, payload, on_done), name=f"orplan-job-{job.id}", daemon=True
        )
        thread.start()
        return job

    def get(self, job_id: int) -> Job | None:
        """The job with this id, if any."""
        with self._lock:
            return self._jobs.get(job_id)

    def active(self, draft_id: int) -> Job | None:
        """The queued or running job of a draft, if any."""
        with self._lock:
            for job in self._jobs.values():
                if job.draft_id == draft_id and job.status in ("queued", "running"):
                    return job
        return None

    def cancel(self, job_id: int) -> bool:
        """Stop a queued or running job; True when there was one to stop."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.status not in ("queued", "running"):
                return False
            job.cancel_requested = True
            process = self._processes.get(job_id)
        if process is not None:
            process.terminate()
        return True

    def shutdown(self) -> None:
        """Stop every job (the server is stopping)."""
        with self._lock:
            ids = list(self._jobs)
        for job_id in ids:
            self.cancel(job_id)

    def _run(self, job: Job, payload: bytes, on_done: Callable[[Job, dict[str, Any]], str]) -> None:
        with self._slots:
            if job.cancel_requested:
                job.status = "cancelled"
                return
            try:
                final = self._work(job, payload)
            except Exception as exc:  # e.g. no process could be started: say so, never hang
                final = {"type": "error", "message": f"could not run a worker process: {exc}"}
            finally:
                with self._lock:
                    self._processes.pop(job.id, None)
        if job.cancel_requested:
            job.status, job.message = "cancelled", "cancelled: nothing was stored"
        elif final is None:
            job.status, job.message = "failed", "the worker process ended without a result"
        elif final["type"] != "done":
            job.status, job.message = "failed", final["message"]
        else:
            try:
                job.message = on_done(job, final)
                job.status = "done"
            except Exception as exc:  # stored nothing: tell the page rather than hang
                job.status, job.message = "failed", str(exc)

    def _work(self, job: Job, payload: bytes) -> dict[str, Any] | None:
        """Run one worker process to its end; its final message (None: it died)."""
        from orplan.web.worker import run

        requests_in, requests_out = self._context.Pipe(duplex=False)
        replies_in, replies_out = self._context.Pipe(duplex=False)
        process = self._context.Process(target=run, args=(requests_in, replies_out), daemon=True)
        with self._lock:
            job.status = "running"
        process.start()
        with self._lock:
            self._processes[job.id] = process
        if job.cancel_requested:  # cancelled while it was starting
            process.terminate()
        # The child holds these ends now. Closed here, a dead child means EOF on the replies and
        # a broken pipe (not a hang) when a large request is still being written.
        replies_out.close()
        requests_in.close()
        requests_out.send_bytes(payload)
        requests_out.close()
        final = self._collect(job, replies_in)
        process.join()
        return final

    @staticmethod
    def _collect(job: Job, replies: Any) -> dict[str, Any] | None:
        while True:
            try:
                message = json.loads(replies.recv_bytes())
            except (EOFError, OSError):
                return None
            if message["type"] == "progress":
                job.progress = {k: v for k, v in message.items() if k != "type"}
            else:
                return dict(message)
