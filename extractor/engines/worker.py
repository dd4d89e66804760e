"""The worker process: extracts the documents its supervisor sends, one at a time, under limits.

Run as ``python -m extractor.engines.worker TIMEOUT MAX_MEMORY``.  Frames on stdin are pickled
:class:`~extractor.jobs.Job` s, frames on stdout the pickled :class:`~extractor.jobs.Outcome` s,
each preceded by any number of :class:`~extractor.progress.Alive` frames (a slow reader's pages)
(stdout is then pointed at stderr, so nothing a library prints can corrupt a frame).  The address
space is capped at MAX_MEMORY bytes (a document that needs more gets a ``MemoryError``, reported as
over the memory limit, and the worker exits so that a fresh one replaces it); CPU time is capped a
little above TIMEOUT per document as a back-up to the supervisor's wall-clock kill, and the worker
dies with its parent.  End of input ends the worker.
"""
from __future__ import annotations

import ctypes
import os
import pickle
import signal
import struct
import sys
from typing import BinaryIO, Optional

from .. import progress
from ..errors import OutOfMemory
from ..jobs import Job, Outcome, run_job
from ..writers.tabular import document_tables

_HEADER = struct.Struct(">Q")


def write_frame(fh: BinaryIO, obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    fh.write(_HEADER.pack(len(data)) + data)
    fh.flush()


def _read_exactly(fh: BinaryIO, n: int) -> Optional[bytes]:
    chunks, left = [], n
    while left:
        chunk = fh.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(fh: BinaryIO) -> Optional[object]:
    """The next object, or None at end of input (or a frame cut short by a dying peer)."""
    head = _read_exactly(fh, _HEADER.size)
    if head is None:
        return None
    data = _read_exactly(fh, _HEADER.unpack(head)[0])
    return None if data is None else pickle.loads(data)


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when the parent goes (PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _cap_memory(max_memory: int) -> None:
    """Cap the address space at ``max_memory`` (the soft limit: :func:`_lift_memory_cap` may lift it)."""
    if max_memory <= 0:
        return
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (max_memory, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (ImportError, ValueError, OSError):
        pass  # no address-space limit here (the supervisor still watches the resident size)


def _lift_memory_cap() -> bool:
    """Lift the address-space cap for the rest of this worker's life (OCR: its runtime's threads and
    libraries reserve ~2 GB of address space while using about half of it); True when lifted."""
    try:
        import resource

        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    except (ImportError, ValueError, OSError):
        return False
    return True


def _cap_cpu(timeout: float) -> None:
    """Back-up for the supervisor's kill: the kernel stops the worker once this document has used
    twice its time limit of CPU (plus a margin)."""
    if timeout <= 0:
        return
    try:
        import resource

        used = resource.getrusage(resource.RUSAGE_SELF)
        soft = int(used.ru_utime + used.ru_stime + 2 * timeout + 10)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.RLIM_INFINITY))
    except (ImportError, ValueError, OSError):
        pass


def _run(job: Job, max_memory: int) -> Outcome:
    """``run_job`` (with the document's share of the batch tables when the job asks); a MemoryError that escapes its own handlers (memory is short while the failed
    extraction's frames are still alive) becomes the out-of-memory outcome once they are gone, and
    so does an internal error of a worker that had grown to half its memory cap (a C extension whose
    allocation fails under the cap may raise ``SystemError`` instead of ``MemoryError``)."""
    try:
        outcome = run_job(job, document_tables)
    except MemoryError:
        return _out_of_memory(job)
    if outcome.error and outcome.internal and max_memory > 0 and _peak_bytes() >= max_memory // 2:
        return _out_of_memory(job)
    return outcome


def _peak_bytes() -> int:
    """The largest resident size this worker has had (0 where the platform does not say)."""
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    except (ImportError, OSError):
        return 0


def _out_of_memory(job: Job) -> Outcome:
    return Outcome(job.index, job.doc_id, str(job.path), error=str(OutOfMemory(job.path)), out_of_memory=True)


class _Worker:
    """What a worker keeps between documents: whether its address-space cap was lifted."""

    lifted = False


def _keep_alive(outcomes_out: BinaryIO, timeout: float, max_memory: int):
    """The progress sink of a worker: each page a slow reader starts is reported to the batch's
    progress bar and, as :class:`~extractor.progress.Alive`, to the supervisor, which extends the
    document's time limit by one page's allowance (so does the CPU cap here).  The first page also
    lifts the address-space cap, and the supervisor watches the resident memory instead."""
    def alive(path: str, page: int, pages: int) -> None:
        allow = max(timeout, progress.page_allowance()) if timeout > 0 else 0.0
        if max_memory > 0 and not _Worker.lifted:
            _Worker.lifted = _lift_memory_cap()
        write_frame(outcomes_out, progress.Alive(allow, resident=_Worker.lifted))
        _cap_cpu(allow)
        progress.send(path, page, pages)

    return alive


def serve(jobs_in: BinaryIO, outcomes_out: BinaryIO, timeout: float, max_memory: int) -> int:
    """The worker loop: a job in, its outcome out, until the end of input."""
    _die_with_parent()
    _cap_memory(max_memory)
    progress.set_sink(_keep_alive(outcomes_out, timeout, max_memory))
    while True:
        job = read_frame(jobs_in)
        if job is None:
            return 0
        _cap_cpu(timeout)
        outcome = _run(job, max_memory)
        outcome.retire = _Worker.lifted
        try:
            write_frame(outcomes_out, outcome)
        except MemoryError:
            outcome = None  # the JSON text did not fit through the pipe: report the document instead
        if outcome is None:
            write_frame(outcomes_out, _out_of_memory(job))
            return 0
        if outcome.out_of_memory or outcome.retire:
            return 0  # a heap that hit the limit, or one no longer capped, is not reused


def _protocol_files(stderr: bool) -> tuple[BinaryIO, BinaryIO]:
    """Take the frames' pipes off fds 0 and 1; stdin then reads nothing and stdout (and stderr,
    unless ``stderr``) goes nowhere, so nothing a library prints can corrupt a frame."""
    jobs_in = os.fdopen(os.dup(0), "rb")
    outcomes_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    if not stderr:
        os.dup2(devnull, 2)
    os.dup2(2, 1)
    return jobs_in, outcomes_out


def run_forked(jobs_fd: int, outcomes_fd: int, timeout: float, max_memory: int, stderr: bool) -> None:
    """The body of a worker forked from the supervisor's process; never returns."""
    code = 1
    try:
        os.setsid()
        os.dup2(jobs_fd, 0)
        os.dup2(outcomes_fd, 1)
        os.closerange(3, _max_fd())  # the parent's other pipes (its other workers') are not ours
        code = serve(*_protocol_files(stderr), timeout, max_memory)
    except BaseException:  # noqa: BLE001 — nothing may unwind into the parent's code
        pass
    finally:
        os._exit(code)


def _max_fd() -> int:
    try:
        return min(os.sysconf("SC_OPEN_MAX"), 65536)
    except (ValueError, OSError):
        return 4096


def main(argv: list[str]) -> int:
    """``python -m extractor.engines.worker TIMEOUT MAX_MEMORY``: stderr is left to the caller."""
    return serve(*_protocol_files(True), float(argv[0]), int(argv[1]))


if __name__ == "__main__":
    try:
        exit_code = main(sys.argv[1:])
    except BaseException:  # noqa: BLE001 — a dying worker prints nothing; the supervisor reports it
        os._exit(1)
    sys.exit(exit_code)
