"""LibreOffice in headless mode: legacy word-processor files (.doc, .wps, .rtf inside them) → .docx.

One ``soffice`` process converts a whole list of files (its start-up costs seconds), in a
private, throw-away profile directory (``-env:UserInstallation``) so that parallel runs never
share LibreOffice's lock and settings.  The process runs in its own process group and is
killed with it when the time limit passes.  Inputs are linked into a staging folder under
unique names, so two files with the same stem (``a.doc``, ``a.wps``) never overwrite each
other's output.  A file LibreOffice could not load has no output: the caller reports it.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Optional

INSTALL_HINT = "apt-get install libreoffice-writer-nogui (Debian/Ubuntu), or install LibreOffice and put soffice on PATH"
_BINARIES = ("soffice", "libreoffice")
_START_SECONDS = 60.0  # LibreOffice start-up (a first start builds the profile), generous on a busy machine
_FILE_SECONDS = 60.0  # per document


def find_soffice() -> Optional[str]:
    """The LibreOffice executable: ``$PLANX_SOFFICE``, else soffice/libreoffice on PATH."""
    env = os.environ.get("PLANX_SOFFICE")
    if env:
        return env if shutil.which(env) else None
    for name in _BINARIES:
        found = shutil.which(name)
        if found:
            return found
    return None


def time_limit(n_files: int) -> float:
    """Seconds one conversion call of ``n_files`` files may take (``$PLANX_SOFFICE_TIMEOUT``
    overrides the per-file allowance)."""
    try:
        per_file = float(os.environ.get("PLANX_SOFFICE_TIMEOUT", _FILE_SECONDS))
    except ValueError:
        per_file = _FILE_SECONDS
    return _START_SECONDS + per_file * max(1, n_files)


class SofficeTimeout(Exception):
    """The conversion call ran past its time limit and was killed."""


def convert_to_docx(sources: list[Path], out_dir: Path, soffice: str,
                    timeout: Optional[float] = None) -> dict[Path, Path]:
    """Convert ``sources`` in one LibreOffice call; {source: its .docx in ``out_dir``} for the
    files it converted (a file it could not load is missing).  Raises SofficeTimeout when the
    call was killed at its time limit."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="planx-soffice-") as work:
        work_dir = Path(work)
        stage = work_dir / "in"
        stage.mkdir()
        staged: dict[Path, Path] = {}
        for i, src in enumerate(sources):
            link = stage / f"{i}{src.suffix.lower()}"
            try:
                link.symlink_to(src.resolve())
            except OSError:
                shutil.copyfile(src, link)
            staged[src] = link
        converted = work_dir / "out"
        cmd = [soffice, f"-env:UserInstallation={(work_dir / 'profile').as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--nodefault", "--convert-to", "docx:MS Word 2007 XML",
               "--outdir", str(converted), *map(str, staged.values())]
        _run(cmd, time_limit(len(sources)) if timeout is None else timeout)
        out: dict[Path, Path] = {}
        for src, link in staged.items():
            produced = converted / f"{link.stem}.docx"
            if produced.is_file() and produced.stat().st_size > 0:
                target = out_dir / f"{link.stem}.docx"
                shutil.move(str(produced), target)
                out[src] = target
        return out


def _run(cmd: list[str], timeout: float) -> None:
    """Run ``cmd`` in its own process group; kill the whole group when ``timeout`` passes."""
    env = {**os.environ, "SAL_USE_VCLPLUGIN": "svp"}  # no display needed
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, env=env)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        raise SofficeTimeout(f"LibreOffice did not finish within {timeout:.0f} s and was stopped") from None
    finally:
        if proc.poll() is None:  # interrupted (KeyboardInterrupt): never leave soffice behind
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
