"""Hostile and broken input: every bad file is one clear error line naming it, the batch goes
on with the others, memory stays bounded, and no partial output file is left behind."""
from __future__ import annotations

import errno
import importlib.util
import io
import os
import re
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import CORPORA, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor import extract
from extractor.batch import run_batch
from extractor.errors import PlanxError
from extractor.readers.txt import parse_text

SEED = CORPORA / "004_061c6bf53607da0b.txt"  # the smallest seed: quick to extract
CHILD_MEMORY = 3 * 2**30  # address-space limit of the planx child process
HUGE = 200 * 2**20


def _has_reader(fmt: str) -> bool:
    return importlib.util.find_spec(f"extractor.readers.{fmt}") is not None


def _planx(args: list[str], timeout: float = 180) -> subprocess.CompletedProcess:
    """Run the planx CLI in a child process with a hard memory cap."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))

    return subprocess.run([sys.executable, "-m", "extractor.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=cap)


def _check_batch(folder: Path, out: Path, expected: dict[str, str], extra: tuple[str, ...] = ()) -> None:
    """planx over ``folder`` (good.txt plus hostile files): one error line per hostile file
    whose cause matches ``expected[name]``, good.json written, nothing else left behind."""
    run = _planx(["extract", str(folder), *extra, "-o", str(out), "-j", "1"])
    assert run.returncode == 1, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert "Traceback" not in run.stderr
    for name, cause in expected.items():
        mine = [e for e in errors if e.startswith(f"error: {folder / name}: ")]
        assert len(mine) == 1, (name, run.stderr)
        assert re.search(cause, mine[0], re.I), mine[0]
    assert len(errors) == len(expected), run.stderr
    assert (out / "good.json").is_file()
    left = sorted(p.name for p in out.iterdir() if p.suffix in (".json", ".tmp") and not p.name.startswith(".planx"))
    assert left == ["good.json"]
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def _text_pdf_bytes(encrypt: str | None = None, image_only: bool = False) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    if image_only:  # a scanned page: pixels only, no text layer
        from reportlab.lib.utils import ImageReader

        png = _png(64, 64)
        c.drawImage(ImageReader(io.BytesIO(png)), 50, 400, width=400, height=400)
    else:
        c.setFont("Helvetica", 12)
        c.drawString(72, 760, "Eco-civilisation plan 2021-2025: PM2.5 <= 35 ug/m3 by 2025.")
    c.showPage()
    c.save()
    return buf.getvalue()


def _png(w: int, h: int) -> bytes:
    import struct
    import zlib

    raw = b"".join(b"\x00" + bytes((x * 4) % 256 for x in range(w)) for _ in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("一、总体要求", level=1)
    d.add_paragraph("到2025年，城市空气质量优良天数比率达到85%以上。（责任单位：市生态环境局）")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _replace_part(docx: bytes, part: str, write) -> bytes:
    """A copy of ``docx`` with ``part`` rewritten by ``write(stream)``."""
    src = zipfile.ZipFile(io.BytesIO(docx))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for item in src.infolist():
            if item.filename == part:
                with out.open(part, "w", force_zip64=True) as fh:
                    write(fh)
            else:
                out.writestr(item, src.read(item.filename))
    return buf.getvalue()


def _zip_bomb(fh) -> None:
    """word/document.xml that inflates to 1 GiB (whitespace inside a valid document)."""
    fh.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w='
             b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
    block = b" " * 2**20
    for _ in range(1024):
        fh.write(block)
    fh.write(b"</w:body></w:document>")


def _entity_bomb(fh) -> None:
    """word/document.xml with a "billion laughs" internal entity expansion."""
    ents = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">'.replace("&lol0;", "&lol;")
                                      for i in range(1, 10)]
    fh.write(('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE w:document [' + "".join(ents) + ']>'
              '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
              '<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>').encode())


# ── text inputs ───────────────────────────────────────────────────────────────────────

def test_hostile_text_files_fail_cleanly_and_the_batch_goes_on(tmp_path: Path):
    src, data = tmp_path / "in", SEED.read_bytes()
    src.mkdir()
    (src / "good.txt").write_bytes(data)
    (src / "empty.txt").write_bytes(b"")
    (src / "blank.txt").write_bytes(b" \n\n\t \r\n")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 512)
    (src / "truncated.txt").write_bytes(data[:len(data) // 2 + 1])  # cut inside a character
    (src / "notes.rtf").write_bytes(b"{\\rtf1 plan}")
    with open(src / "huge.txt", "wb") as fh:  # 200 MB of real plan text
        while fh.tell() < HUGE:
            fh.write(data)
    _check_batch(src, tmp_path / "out", extra=(str(src / "notes.rtf"),), expected={
        "empty.txt": "empty", "blank.txt": "empty", "binary.txt": "binary|decode",
        "truncated.txt": "decode|invalid|truncat", "notes.rtf": "unsupported file type",
        "huge.txt": r"over the input size limit of 100 MB \(raise it with --max-size\)"})


def test_rejected_huge_file_costs_no_memory(tmp_path: Path):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:
        fh.truncate(HUGE)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    s = run_batch([huge], tmp_path / "out")
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert s.documents == 0 and "over the input size limit" in s.failures[0]
    assert grown_mb < 20


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-16-le", "utf-8-sig"])
def test_other_encodings_extract_identically(tmp_path: Path, encoding: str):
    text = SEED.read_text(encoding="utf-8")
    copy = tmp_path / SEED.name
    copy.write_bytes(text.encode(encoding))
    want, got = extract(SEED).to_dict(), extract(copy).to_dict()
    for d in (want, got):
        for key in ("sha256", "source"):
            d["document"].pop(key)
    assert got == want


def test_ragged_table_rows_keep_every_cell(tmp_path: Path):
    rows = [["序号", "指标名称", "单位", "2020年", "2025年"], ["1", "空气质量优良天数比率", "%"],
            ["2", "PM2.5浓度", "微克/立方米", "40", "≤35", "约束性", "多余列"], ["3"]]
    table = "\n\n".join("\n".join("\t" + c for c in r) for r in rows)
    path = tmp_path / "ragged.txt"
    path.write_text("表1 主要指标\n" + table + "\n\n注：带*为预期性指标。\n", encoding="utf-8")
    doc_tables = [b.table for b in parse_text(path.read_text(encoding="utf-8")) if b.kind == "table"]
    assert [[c.text for c in r] for r in doc_tables[0].rows] == rows
    result = extract(path).to_dict()
    assert result["document"]["doc_id"] == "ragged"


def test_file_deleted_mid_batch(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a", "b", "c"):
        (src / f"{name}.txt").write_bytes(SEED.read_bytes())

    def delete_c(done: int, total: int, name: str) -> None:
        if done == 1:  # a is done and b already handed to the worker (the supervisor keeps it busy): c waits
            (src / "c.txt").unlink()

    s = run_batch([src], tmp_path / "out", jobs=1, on_progress=delete_c)
    assert s.documents == 2
    assert s.failures == [f"{src / 'c.txt'}: no such file (deleted or moved during the batch?)"]
    assert sorted(p.name for p in (tmp_path / "out").glob("[!.]*.json")) == ["a.json", "b.json"]


def test_read_only_output_folder(tmp_path: Path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    if os.geteuid() == 0:  # root writes through permission bits: make the writes fail as EROFS would
        import extractor.files as files

        def refuse(*args, **kwargs):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))

        monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
    else:
        out.chmod(0o555)
    if os.geteuid() != 0:  # the folder lock cannot even be taken: one line, nothing written
        with pytest.raises(PlanxError, match="cannot write in the output folder"):
            run_batch([SEED], out)
        assert list(out.iterdir()) == []
        return
    s = run_batch([SEED], out)
    assert s.documents == 0
    assert s.failures[0].startswith(f"{SEED}: cannot write {out / SEED.stem}.json (")
    assert all("\n" not in m for m in s.failures)
    # the (persistent) lock file, and the manifest's journal of the entry taken back; no JSON, no table
    assert {p.name for p in out.iterdir()} <= {".planx.lock", ".planx-manifest.log"}


def test_cli_refuses_an_output_path_that_is_a_file(tmp_path: Path):
    blocker = tmp_path / "out"
    blocker.write_text("x", encoding="utf-8")
    run = _planx(["extract", str(SEED), "-o", str(blocker / "sub")])
    assert run.returncode == 2
    assert run.stderr.strip().startswith(f"planx: {blocker / 'sub'}: cannot create output folder")


# ── .docx ─────────────────────────────────────────────────────────────────────────────

@pytest.mark.skipif(not _has_reader("docx"), reason="the .docx reader is not in this tree yet")
def test_hostile_docx_files_fail_cleanly(tmp_path: Path):
    src, good = tmp_path / "in", _docx_bytes()
    src.mkdir()
    (src / "good.txt").write_bytes(SEED.read_bytes())
    (src / "truncated.docx").write_bytes(good[:len(good) // 2])
    (src / "not_a_zip.docx").write_bytes(SEED.read_bytes())
    (src / "bomb.docx").write_bytes(_replace_part(good, "word/document.xml", _zip_bomb))
    (src / "no_document.docx").write_bytes(_replace_part(good, "[Content_Types].xml", lambda fh: fh.write(b"<")))
    _check_batch(src, tmp_path / "out", {
        "truncated.docx": "zip|corrupt|damaged|not a .docx", "not_a_zip.docx": "zip|not a .docx",
        "bomb.docx": "uncompress|zip bomb|too large|limit", "no_document.docx": "docx|xml|corrupt|damaged"})


@pytest.mark.skipif(not _has_reader("docx"), reason="the .docx reader is not in this tree yet")
def test_docx_entity_expansion_is_not_expanded(tmp_path: Path):
    path = tmp_path / "laughs.docx"
    path.write_bytes(_replace_part(_docx_bytes(), "word/document.xml", _entity_bomb))
    run = _planx(["extract", str(path), "-o", str(tmp_path / "out"), "-j", "1"], timeout=60)
    assert "Traceback" not in run.stderr
    if run.returncode:  # refused: one line naming the file
        errors = [e for e in run.stderr.splitlines() if e.startswith("error: ")]
        assert errors == [e for e in errors if e.startswith(f"error: {path}: ")] and len(errors) == 1
    else:  # read without expanding the entities
        assert (tmp_path / "out" / "laughs.json").stat().st_size < 2**20


# ── .pdf ──────────────────────────────────────────────────────────────────────────────

@pytest.mark.skipif(not _has_reader("pdf"), reason="the .pdf reader is not in this tree yet")
def test_hostile_pdf_files_fail_cleanly(tmp_path: Path):
    src, good = tmp_path / "in", _text_pdf_bytes()
    src.mkdir()
    (src / "good.txt").write_bytes(SEED.read_bytes())
    (src / "encrypted.pdf").write_bytes(_text_pdf_bytes(encrypt="secret"))
    (src / "scanned.pdf").write_bytes(_text_pdf_bytes(image_only=True))
    (src / "truncated.pdf").write_bytes(good[:len(good) // 3])
    (src / "garbage.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    (src / "html.pdf").write_bytes(b"<html><body>not a pdf</body></html>")
    _check_batch(src, tmp_path / "out", {
        "encrypted.pdf": "encrypt|password", "scanned.pdf": "no text.*OCR|OCR",
        "truncated.pdf": "pdf|corrupt|damaged|malformed", "garbage.pdf": "pdf|corrupt|damaged|malformed",
        "html.pdf": "pdf|corrupt|damaged|malformed"})


# ── property: the Tika reader never crashes and never loses a cell ──────────────────────

_CELL_CHARS = st.text(alphabet=st.sampled_from(list("指标名称单位现状值目标年%≥≤.0123456789abcXYZ（）、，：/-* ")),
                      min_size=0, max_size=12)
_PARA = st.text(alphabet=st.sampled_from(list("一二三、（）第章节到年完成责任单位：市局。，0123456789 ")),
                min_size=1, max_size=30).filter(lambda s: s.strip() and not s.startswith("\t"))
_TABLE = st.lists(st.lists(_CELL_CHARS, min_size=1, max_size=6), min_size=1, max_size=6)


def _tika_table(rows: list[list[str]]) -> str:
    return "\n\n".join("\n".join("\t" + c for c in row) for row in rows)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PARA, _TABLE), min_size=1, max_size=8))
def test_tika_tables_never_lose_a_cell(parts):
    text = "\n".join(p if isinstance(p, str) else _tika_table(p) for p in parts) + "\n"
    blocks = parse_text(text)
    cells = [c for b in blocks if b.kind == "table" for row in b.table.rows for c in row]
    owner = {}  # source offset → index of the cell holding it
    for i, c in enumerate(cells):
        for off in c.offsets:
            assert owner.setdefault(off, i) == i, "a character is in two cells"
    pos, last = 0, -1
    for line in text.split("\n"):
        if line.startswith("\t") and line.strip():
            offs = [pos + k for k, ch in enumerate(line) if k > 0 and not ch.isspace()]
            holders = {owner.get(o) for o in offs}
            assert len(holders) == 1 and None not in holders, f"cell text of {line!r} lost or split"
            (i,) = holders
            assert i > last, "cells out of order"
            last = i
        pos += len(line) + 1


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_random_text_never_crashes_the_reader(text):
    blocks = parse_text(text)
    for b in blocks:
        assert b.kind in ("heading", "paragraph", "table")
        if b.kind == "table":
            assert all(not c.offsets or max(c.offsets) < len(text) for r in b.table.rows for c in r)
