""".doc / .wps through LibreOffice: the same document model as the .docx, provenance naming the
source, one soffice call per batch in a private profile, a time limit that kills it, and one
clear line for a missing LibreOffice, a password-protected or corrupt file."""
from __future__ import annotations

import os
import random
import shutil
import stat
import time
from pathlib import Path

import pytest

from extractor.batch import run_batch
from extractor.errors import PlanxError
from extractor.readers import read
from extractor.readers import soffice as so
from extractor.readers.legacy_word import read_legacy_word

from conftest import FIXTURES, block_model

FORMATS = FIXTURES / "formats"
SEED = "004_061c6bf53607da0b"
needs_soffice = pytest.mark.skipif(so.find_soffice() is None, reason="LibreOffice is not installed")


@pytest.fixture(scope="module")
def seed_doc():
    return read(FORMATS / f"{SEED}.doc")


@needs_soffice
def test_a_doc_gives_the_document_model_of_its_docx(seed_doc):
    assert block_model(seed_doc) == block_model(read(FIXTURES / "renditions" / f"{SEED}.docx"))


@needs_soffice
def test_provenance_names_the_doc_not_the_conversion(seed_doc):
    src = FORMATS / f"{SEED}.doc"
    assert seed_doc.source == str(src) and seed_doc.format == "doc"
    import hashlib
    assert seed_doc.sha256 == hashlib.sha256(src.read_bytes()).hexdigest()
    assert seed_doc.doc_id == SEED


@needs_soffice
def test_a_wps_is_read_as_the_word_binary_it_is(tmp_path, seed_doc):
    """A Kingsoft WPS Writer .wps is a Word binary document (with extensions LibreOffice ignores)."""
    doc = read(FORMATS / f"{SEED}.wps")
    assert doc.format == "wps" and doc.source.endswith(".wps")
    assert block_model(doc) == block_model(seed_doc)


def test_a_docx_package_under_a_doc_or_wps_name_is_read_directly(tmp_path):
    """WPS Office and some portals save OOXML under the old names: no LibreOffice needed."""
    p = tmp_path / "plan.wps"
    shutil.copyfile(FIXTURES / "renditions" / f"{SEED}.docx", p)
    doc = read(p)
    assert doc.format == "wps" and doc.source == str(p)
    assert block_model(doc) == block_model(read(FIXTURES / "renditions" / f"{SEED}.docx"))


def test_a_web_page_under_a_doc_name_is_read_as_html(tmp_path):
    p = tmp_path / "page.doc"
    p.write_text("<html><body><p>一、总体要求</p><p>到2025年，全市空气质量优良天数比率达到87%以上。</p></body></html>",
                 encoding="utf-8")
    doc = read(p)
    assert doc.format == "doc" and [b.text for b in doc.blocks][0] == "一、总体要求"


def _rewrite_word_stream(src: Path, dest: Path, change) -> Path:
    import olefile

    shutil.copyfile(src, dest)
    ole = olefile.OleFileIO(str(dest), write_mode=True)
    data = bytearray(ole.openstream("WordDocument").read())
    change(data)
    ole.write_stream("WordDocument", bytes(data))
    ole.close()
    return dest


def test_a_password_protected_doc_gets_one_line_before_libreoffice_runs(tmp_path, monkeypatch):
    def encrypt(data: bytearray) -> None:
        data[11] |= 0x01  # FIB fEncrypted (bit 8 of the flags at offset 10)

    p = _rewrite_word_stream(FORMATS / f"{SEED}.doc", tmp_path / "secret.doc", encrypt)
    monkeypatch.setenv("PLANX_SOFFICE", "/nonexistent/soffice")  # never reached
    with pytest.raises(PlanxError, match=r"secret\.doc: password-protected \.doc; save it without a password"):
        read(p)


@needs_soffice
def test_a_doc_libreoffice_cannot_open_gets_one_line(tmp_path):
    """An OLE file whose WordDocument stream is garbage (the flags say: not encrypted)."""
    def scramble(data: bytearray) -> None:
        rnd = random.Random(7)
        for i in range(len(data)):
            data[i] = rnd.randrange(256)
        data[11] &= 0x7E

    p = _rewrite_word_stream(FORMATS / f"{SEED}.doc", tmp_path / "broken.doc", scramble)
    with pytest.raises(PlanxError, match=r"broken\.doc: LibreOffice could not open it \(corrupt"):
        read(p)


@pytest.mark.parametrize("content,cause", [(b"just some text, not Word at all" * 10, "not a .doc document"),
                                           (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "corrupt .doc")])
def test_files_that_are_no_word_document_get_one_line(tmp_path, content, cause):
    p = tmp_path / "x.doc"
    p.write_bytes(content)
    with pytest.raises(PlanxError, match=cause):
        read(p)


def test_missing_libreoffice_names_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANX_SOFFICE", "/nonexistent/soffice")
    p = tmp_path / "plan.doc"
    shutil.copyfile(FORMATS / f"{SEED}.doc", p)
    with pytest.raises(PlanxError) as e:
        read_legacy_word(p)
    assert "needs LibreOffice, which is not installed: apt-get install libreoffice-writer-nogui" in str(e.value)
    assert "\n" not in str(e.value)


def _fake_soffice(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-soffice"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_a_hanging_libreoffice_is_killed_with_its_children_at_the_time_limit(tmp_path):
    pid_file = tmp_path / "child.pid"
    fake = _fake_soffice(tmp_path, f"sleep 300 &\necho $! > {pid_file}\nwait\n")
    t0 = time.monotonic()
    with pytest.raises(so.SofficeTimeout):
        so.convert_to_docx([FORMATS / f"{SEED}.doc"], tmp_path / "out", str(fake), timeout=1.0)
    assert time.monotonic() - t0 < 20
    child = int(pid_file.read_text())
    time.sleep(0.2)
    assert not _alive(child)  # the whole process group is gone


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting for its reaper)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_a_conversion_past_its_limit_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANX_SOFFICE", str(_fake_soffice(tmp_path, "sleep 300\n")))
    monkeypatch.setattr(so, "time_limit", lambda n: 1.0)
    p = tmp_path / "slow.doc"
    shutil.copyfile(FORMATS / f"{SEED}.doc", p)
    with pytest.raises(PlanxError, match=r"slow\.doc: LibreOffice did not finish within 1 s and was stopped"):
        read(p)


@needs_soffice
def test_a_batch_converts_its_word_binaries_in_one_libreoffice_call(tmp_path, monkeypatch):
    """Two different legacy files (and a copy of one) → one soffice run, with a private profile;
    the conversions are removed after the batch."""
    log = tmp_path / "calls.log"
    real = so.find_soffice()
    wrapper = _fake_soffice(tmp_path, f'echo "$@" >> {log}\nexec {real} "$@"\n')
    monkeypatch.setenv("PLANX_SOFFICE", str(wrapper))
    src = tmp_path / "in"
    src.mkdir()
    shutil.copyfile(FORMATS / f"{SEED}.doc", src / "a.doc")
    shutil.copyfile(FORMATS / f"{SEED}.wps", src / "a.wps")  # same stem, same bytes
    shutil.copyfile(FIXTURES / "formats" / "plan_numbering.doc", src / "b.wps")
    summary = run_batch([src], tmp_path / "out")
    assert summary.failures == [] and summary.documents == 3
    calls = log.read_text().splitlines()
    assert len(calls) == 1 and "-env:UserInstallation=file:///" in calls[0]
    assert {p.name for p in (tmp_path / "out").glob("[!.]*.json")} == {"a.json", "a-2.json", "b.json"}
    assert not list(Path(so.tempfile.gettempdir()).glob(f"planx-docx-{os.getuid()}/*.docx"))
