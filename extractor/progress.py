"""Progress of slow steps inside one document (OCR page by page), for the batch's progress bar
and for the supervisor of the worker process, which grants more time while pages go by.

A reader calls :func:`page_started`.  A sink set with :func:`set_sink` receives the event in this
process (a supervised worker sets one that also sends :class:`Alive` to its supervisor);
otherwise, when ``$PLANX_PROGRESS`` names a loopback UDP address, the event is sent
there as a datagram — so that worker processes (a process pool, local dask workers) report to
the batch's :class:`Listener` without any change to how documents are shipped to them.  Events
are fire-and-forget: a lost one only makes the bar less lively.
"""
from __future__ import annotations

import json
import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from .patterns import load

ENV = "PLANX_PROGRESS"
Sink = Callable[[str, int, int], None]  # (source path, page, pages)
_sink: Optional[Sink] = None


def set_sink(sink: Optional[Sink]) -> None:
    global _sink
    _sink = sink


@dataclass(frozen=True)
class Alive:
    """A supervised worker's word that its document is still making progress (a page starts):
    the supervisor gives it ``allow`` more seconds.  ``resident``: the worker has lifted its
    address-space cap (OCR's runtime reserves far more address space than it uses), so the
    supervisor now holds its resident memory to the limit instead."""

    allow: float
    resident: bool = False


def page_allowance() -> float:
    """Seconds one OCR page may take (``patterns/limits.toml``: ``[ocr] page_timeout_s``)."""

    return float(load("limits").get("ocr", {}).get("page_timeout_s", 120))


def page_started(path: Path | str, page: int, pages: int) -> None:
    """A slow reader starts page ``page`` of ``pages``: the progress bar shows it, and a
    supervised worker gets the time for one more page."""
    if _sink is not None:
        _sink(str(path), page, pages)
        return
    send(str(path), page, pages)


def send(path: str, page: int, pages: int) -> None:
    """The event as a datagram to the batch's listener (``$PLANX_PROGRESS``), if there is one."""
    addr = os.environ.get(ENV, "")
    host, _, port = addr.rpartition(":")
    if host != "127.0.0.1" or not port.isdigit():
        return
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(json.dumps([path, page, pages]).encode(), (host, int(port)))
    except OSError:
        pass


class Listener:
    """Receives the page events of this process and its workers while the batch runs;
    ``$PLANX_PROGRESS`` points at it until :meth:`close`.  Inactive (``active=False``) it does
    nothing."""

    def __init__(self, callback: Sink, active: bool = True) -> None:
        self.callback = callback
        self.sock: Optional[socket.socket] = None
        self.stop = threading.Event()
        self.saved = os.environ.get(ENV)
        if not active:
            return
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        os.environ[ENV] = "127.0.0.1:%d" % self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._run, name="planx-progress", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                data = self.sock.recv(65536)
            except (socket.timeout, OSError):
                continue
            try:
                path, page, pages = json.loads(data)
                self.callback(str(path), int(page), int(pages))
            except (ValueError, TypeError):
                continue

    def close(self) -> None:
        if self.sock is None:
            return
        self.stop.set()
        self.thread.join(timeout=2)
        self.sock.close()
        self.sock = None
        if self.saved is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = self.saved
