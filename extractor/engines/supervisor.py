"""Worker processes under watch: every document runs in a worker process, one at a time, and a
worker that exceeds a limit or dies is killed and replaced — the batch goes on.

A worker is ``python -m extractor.engines.worker`` in its own session (killing its process group
also ends anything it started).  The supervisor hands each idle worker the next document, waits for
outcomes, and kills a worker whose document has run past the time limit; the memory limit is the
worker's own address-space cap (``RLIMIT_AS``), watched here as well where that cap does not exist,
and a worker pressed against its cap (:data:`_PRESSED`) is stopped rather than left to crawl.
Each failure is the document's own one-line error:

- ``exceeded 30 s, the per-document time limit`` (killed by the watchdog);
- ``exceeded 2 GB, the per-document memory limit`` (a ``MemoryError`` under the cap);
- ``worker process crashed (SIGSEGV) …`` (a library crashed, or the kernel killed it).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import replace
from multiprocessing.connection import wait
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence, Union

try:
    import fcntl
except ImportError:  # not POSIX (where the local engine runs documents in-process)
    fcntl = None

from ..errors import PlanxError
from ..jobs import Job, Outcome
from ..limits import MB, Limits
from ..progress import Alive
from .schedule import default_jobs, largest_first
from .worker import read_frame, run_forked, write_frame

_POLL = 0.5  # seconds between looks at the workers' memory and deadlines
_PRESSED = (4 * MB, 1.0)
"""A worker whose address space stays within this many bytes of its cap for this many seconds is
over the memory limit: each new allocation arena fails there, so every small allocation costs failed
system calls and the document crawls on towards the time limit instead of failing."""
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_PIPE_BYTES = MB
"""The outcomes pipe's buffer (Linux; 64 KB by default): a document's outcome, its JSON and its
share of the batch tables (about 1.2 MB), then crosses in one or two writes instead of about 20,
each of which woke both processes."""


def _memory(pid: int) -> Optional[tuple[int, int]]:
    """(address space, resident memory) of a process in bytes; None when it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            fields = fh.read().split()
        page = os.sysconf("SC_PAGE_SIZE")
        return int(fields[0]) * page, int(fields[1]) * page
    except (OSError, ValueError, IndexError):
        pass
    try:
        import psutil

        info = psutil.Process(pid).memory_info()
        return info.vms, info.rss
    except Exception:  # noqa: BLE001 — psutil missing or the process gone
        return None


def _can_fork() -> bool:
    """Forking this process is safe: it runs no other thread."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _worker_memory(limits: Limits, forked: bool) -> int:
    """The worker's address-space cap: the memory limit, or — for a worker forked from a process
    that is already large (an interactive session, a test run) — the limit on top of what it
    inherits, so that the inherited pages do not count against the document."""
    if not forked or limits.max_memory <= 0:
        return limits.max_memory
    mine = _memory(os.getpid())
    inherited = mine[0] if mine else 0
    return limits.max_memory if inherited < limits.max_memory // 4 else inherited + limits.max_memory


class Worker:
    """One worker process and the document it is extracting.

    Forked from this process when it runs no other thread (cheap: nothing to import again, which
    keeps a one-document run close to extracting in-process), else a fresh interpreter
    (``python -m extractor.engines.worker``), as on a dask worker or beside a progress bar's thread.
    Either way the worker's address space is capped at the memory limit (:func:`_worker_memory`).
    """

    def __init__(self, limits: Limits) -> None:
        self.job: Optional[Job] = None
        self.deadline = float("inf")
        self.returncode: Optional[int] = None
        self.peak = 0  # the ended worker's peak resident memory, bytes
        self.resident = False  # the worker lifted its address-space cap: its resident size is watched
        self.pressed = float("inf")  # since when its address space has been pressed against its cap
        forked = _can_fork()
        self.cap = _worker_memory(limits, forked)  # its address-space cap, bytes (0: none)
        show_stderr = bool(os.environ.get("PLANX_WORKER_STDERR"))
        if forked:
            self._fork(limits, show_stderr)
        else:
            self._spawn(limits, show_stderr)

    def _fork(self, limits: Limits, show_stderr: bool) -> None:
        jobs_r, jobs_w = os.pipe()
        out_r, out_w = os.pipe()
        _widen(out_w)
        pid = os.fork()
        if pid == 0:
            run_forked(jobs_r, out_w, limits.timeout, self.cap, show_stderr)
        os.close(jobs_r)
        os.close(out_w)
        self.pid = pid
        self.jobs = os.fdopen(jobs_w, "wb")
        self.outcomes = os.fdopen(out_r, "rb")

    def _spawn(self, limits: Limits, show_stderr: bool) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
        popen = subprocess.Popen(
            [sys.executable, "-m", "extractor.engines.worker", repr(limits.timeout), str(limits.max_memory)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None if show_stderr else subprocess.DEVNULL,
            env=env, start_new_session=True)
        popen.returncode = 0  # reaped here (os.wait4, for its peak memory), not by subprocess
        self.pid = popen.pid
        self.jobs, self.outcomes = popen.stdin, popen.stdout
        _widen(self.outcomes.fileno())

    def fileno(self) -> int:
        return self.outcomes.fileno()

    def send(self, job: Job, timeout: float) -> bool:
        """Hand the worker ``job``; False when the worker is gone."""
        self.job = job
        self.pressed = float("inf")
        self.deadline = time.monotonic() + timeout if timeout > 0 else float("inf")
        try:
            write_frame(self.jobs, job)
        except (BrokenPipeError, OSError):
            return False
        return True

    def receive(self) -> Union[Outcome, Alive, None]:
        """The worker's next frame: the outcome of the current document, or word that it is still
        making progress (:class:`Alive`); None when the worker died instead."""
        try:
            return read_frame(self.outcomes)
        except (OSError, EOFError, ValueError, TypeError):
            return None

    def kill(self) -> None:
        """Kill the worker and everything it started (its session), and reap it."""
        for kill in (os.killpg, os.kill):
            try:
                kill(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self._reap(10.0)  # a process stuck in the kernel may take a while; never wait forever
        self._close_pipes()

    def close(self) -> None:
        """End an idle worker (end of its input), killing it if it does not go at once."""
        try:
            self.jobs.close()
        except OSError:
            pass
        if self._reap(5.0) is None:
            self.kill()

    def _reap(self, timeout: float) -> Optional[int]:
        """Wait for the worker to end (at most ``timeout`` s); its return code, None if still running."""
        if self.returncode is None:
            self.returncode, self.peak = _wait4(self.pid, timeout)
        if self.returncode is not None:
            self._close_pipes()
        return self.returncode

    def _close_pipes(self) -> None:
        for fh in (self.jobs, self.outcomes):
            try:
                fh.close()
            except OSError:
                pass

    def death(self, limits: Limits) -> str:
        """Why the worker died, for its document's error line: a library that ends the process when
        an allocation fails under the memory cap (PDFium aborts) counts as over the memory limit
        when the worker had grown to half the limit or more."""
        self.kill()
        code = self.returncode
        if code is None or code >= 0:
            if limits.max_memory > 0 and self.peak >= limits.max_memory // 2:  # e.g. a failed allocation
                return limits.describe_memory()
            return f"worker process died (exit code {code}) while extracting it"
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        if name == "SIGXCPU":
            return limits.describe_timeout() + " (CPU time)"
        if limits.max_memory > 0 and self.peak >= limits.max_memory // 2:
            return f"{limits.describe_memory()}; the worker ended with {name}"
        return f"worker process crashed ({name}) while extracting it (out of memory or a crash in a library)"


def _widen(fd: int) -> None:
    """Give the pipe of ``fd`` a buffer of :data:`_PIPE_BYTES` where the system allows it
    (Linux, within ``/proc/sys/fs/pipe-max-size``); elsewhere it keeps its own."""
    try:
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (AttributeError, OSError):  # (no fcntl, or no F_SETPIPE_SZ: not Linux)
        pass


def _wait4(pid: int, timeout: float) -> tuple[Optional[int], int]:
    """Reap a worker: its return code (negative: killed by that signal; None when it is still
    running after ``timeout`` seconds) and its peak resident memory in bytes."""
    end = time.monotonic() + timeout
    delay = 0.001
    while True:
        try:
            done, status, usage = os.wait4(pid, os.WNOHANG)
        except ChildProcessError:
            return -signal.SIGKILL, 0
        if done:
            scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KB elsewhere
            return os.waitstatus_to_exitcode(status), usage.ru_maxrss * scale
        if time.monotonic() >= end:
            return None, 0
        time.sleep(delay)
        delay = min(0.05, delay * 2)


class Supervisor:
    """Up to ``size`` workers running documents under ``limits``; workers are started on demand and
    kept for the next call until :meth:`close`."""

    def __init__(self, size: int, limits: Limits) -> None:
        self.size = max(1, size)
        self.limits = limits
        self.idle: list[Worker] = []

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        """The outcome of every job, as each finishes; a failure never stops the others.  A worker
        that finished is handed its next document before the outcome is yielded, so the workers
        never wait while the caller handles an outcome (writes its JSON, its table rows)."""
        queue: deque[Job] = deque(jobs)
        busy: list[Worker] = []
        finished: list[Outcome] = []
        try:
            while queue or busy:
                while queue and len(busy) < self.size:
                    job = queue.popleft()
                    worker, failure = self._dispatch(job)
                    if worker is None:
                        finished.append(failure)
                    else:
                        busy.append(worker)
                yield from finished
                finished.clear()
                if not busy:
                    continue
                for worker in wait(busy, timeout=self._wait_time(busy)):
                    frame = worker.receive()
                    if isinstance(frame, Alive):  # a slow document's next page: more time
                        worker.deadline = time.monotonic() + frame.allow if frame.allow > 0 else float("inf")
                        worker.resident = worker.resident or frame.resident
                        continue
                    busy.remove(worker)
                    finished.append(self._finish(worker, frame))
                for worker in [w for w in busy if self._over_limit(w)]:
                    busy.remove(worker)
                    finished.append(self._stop(worker))
            yield from finished
        finally:
            for worker in busy:
                worker.kill()

    def close(self) -> None:
        for worker in self.idle:
            worker.close()
        self.idle.clear()

    def __enter__(self) -> "Supervisor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _dispatch(self, job: Job) -> tuple[Optional[Worker], Optional[Outcome]]:
        """Send ``job`` to an idle worker (a new one when none is idle or the idle one is gone)."""
        for fresh in (False, True):
            try:
                worker = self.idle.pop() if self.idle and not fresh else Worker(self.limits)
            except OSError as e:
                return None, _failed(job, f"cannot start a worker process ({e.strerror or e})")
            if worker.send(job, self.limits.timeout):
                return worker, None
            worker.kill()
        return None, _failed(job, "worker process could not be started")

    def _wait_time(self, busy: list[Worker]) -> float:
        nearest = min((w.deadline for w in busy), default=float("inf"))
        return max(0.0, min(_POLL, nearest - time.monotonic()))

    def _over_limit(self, worker: Worker) -> bool:
        now = time.monotonic()
        if now >= worker.deadline:
            return True
        if self.limits.max_memory <= 0:
            return False
        used = _memory(worker.pid)
        if used is None:
            return False
        if worker.resident or not sys.platform.startswith("linux"):
            # no address-space cap: on systems without RLIMIT_AS, and for a worker that lifted it (OCR)
            return used[1] > self.limits.max_memory
        margin, seconds = _PRESSED
        if used[0] < worker.cap - margin:
            worker.pressed = float("inf")
            return False
        worker.pressed = min(worker.pressed, now)
        return now - worker.pressed >= seconds

    def _finish(self, worker: Worker, outcome: Optional[Outcome]) -> Outcome:
        job, worker.job = worker.job, None
        if outcome is None:
            return _failed(job, worker.death(self.limits))
        if outcome.out_of_memory and self.limits.max_memory > 0:
            outcome.error = f"{job.path}: {self.limits.describe_memory()}"
        if outcome.out_of_memory or outcome.retire:
            worker.close()
        else:
            self.idle.append(worker)
        return outcome

    def _stop(self, worker: Worker) -> Outcome:
        job = worker.job
        timed_out = time.monotonic() >= worker.deadline
        worker.kill()
        cause = self.limits.describe_timeout() if timed_out else self.limits.describe_memory()
        outcome = _failed(job, cause)
        outcome.seconds = self.limits.timeout if timed_out else 0.0
        return outcome


def _failed(job: Job, cause: str) -> Outcome:
    return Outcome(job.index, job.doc_id, str(job.path), error=f"{job.path}: {cause}",
                   out_of_memory="memory limit" in cause)


def extract_supervised(paths: Sequence[Path], limits: Optional[Limits] = None) -> list[Union[bytes, PlanxError]]:
    """Documents extracted in supervised workers under ``limits`` (default: limits.toml) — one
    worker per core, at most one per document, each kept for the next document — for commands that
    extract documents outside a batch (``planx diff``).  Per path, in order: its JSON bytes, or a
    PlanxError with the worker's one-line cause (a time or memory limit included)."""
    limits = limits or replace(Limits.defaults(), flags=False)
    jobs = [Job(Path(p), Path(p).stem, i, limits.max_size) for i, p in enumerate(paths)]
    got: dict[int, Union[bytes, PlanxError]] = {}
    with Supervisor(default_jobs(len(jobs)), limits) as supervisor:
        for outcome in supervisor.run(largest_first(jobs)):
            path = jobs[outcome.index].path
            if outcome.error is not None or outcome.json_text is None:
                cause = outcome.error or "no result"
                got[outcome.index] = PlanxError(path, cause.removeprefix(f"{path}: "))
            else:
                got[outcome.index] = outcome.json_text
    return [got[i] for i in range(len(jobs))]
