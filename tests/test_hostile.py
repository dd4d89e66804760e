"""Issue 12: each class of hostile input, from the generated reproducers in fixtures/make_hostile.py,
and one batch holding all of them beside a good document."""
from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor import PlanxError, extract, patterns
from extractor.errors import OutOfMemory
from extractor.hygiene import _BAD
from extractor.readers import read

from conftest import CORPORA, FIXTURES, ROOT

sys.path.insert(0, str(FIXTURES))
import make_hostile as H  # noqa: E402

GOOD = CORPORA / "004_061c6bf53607da0b.txt"
TABLES = ["documents.csv", "sections.csv", "tasks.csv", "targets.csv", "deadlines.csv", "responsibilities.csv",
          "findings.csv", "tables.csv", "indicators.csv", "projects.csv", "planx.xlsx", "planx.sqlite"]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _strings(obj) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in _strings(k) + _strings(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in _strings(v)]
    return []


def _assert_clean(result: dict, doc_text: str) -> None:
    """Every string is valid printable Unicode (it encodes as UTF-8), and every raw is its span."""
    for s in _strings(result):
        assert _BAD.search(s) is None, repr(s)
    json.dumps(result, ensure_ascii=False).encode("utf-8")
    for kind in ("targets", "deadlines", "responsibilities"):
        for r in result[kind]:
            assert r["raw"] == doc_text[r["span"]["start"]:r["span"]["end"]]


@pytest.fixture()
def limits_toml(tmp_path: Path, monkeypatch):
    """Override values of patterns/limits.toml: ``limits_toml("docx", max_grid_columns=5)``."""
    folder = tmp_path / "patterns"
    folder.mkdir()

    def override(section: str, **values) -> None:
        path = folder / "limits.toml"
        text = path.read_text(encoding="utf-8") if path.exists() else \
            (ROOT / "patterns" / "limits.toml").read_text(encoding="utf-8")
        for key, value in values.items():
            part = text.index(f"[{section}]")
            text = text[:part] + re.sub(rf"(?m)^{key} = .*$", f"{key} = {value}", text[part:], count=1)
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("PLANX_PATTERNS", str(folder))
        patterns.load.cache_clear()

    yield override
    patterns.load.cache_clear()


# ── 1. characters ─────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("char, code", [("D800", "U+D800"), ("110000", "U+FFFF"), ("-1", "U+FFFF")])
def test_docx_symbols_that_are_no_character_are_replaced_and_reported(tmp_path: Path, char: str, code: str):
    path = _write(tmp_path, "sym.docx", H.docx_sym(char))
    doc = read(path)
    assert _BAD.search(doc.text) is None and "符号\ufffd" in doc.text
    result = extract(path).to_dict()
    assert result["document"]["warnings"] == [f"1 character that is not printable Unicode replaced ({code} ×1)"]
    _assert_clean(result, doc.text)


def test_pdf_tounicode_to_a_lone_surrogate_is_replaced_and_reported(tmp_path: Path):
    path = _write(tmp_path, "tounicode.pdf", H.pdf_tounicode("D800"))
    doc = read(path)
    assert "2025 \ufffd" in doc.text
    result = extract(path).to_dict()
    assert result["document"]["warnings"] == ["1 character that is not printable Unicode replaced (U+D800 ×1)"]
    _assert_clean(result, doc.text)


def test_noncharacters_controls_and_escapes_never_reach_a_record(tmp_path: Path):
    for name, data, n in (("nonchar.txt", H.txt_noncharacters(), 2), ("controls.txt", H.txt_controls(), 8)):
        path = _write(tmp_path, name, data)
        doc = read(path)
        assert len(doc.text) == len(data.decode("utf-8")), "one character for one: offsets hold"
        result = extract(path).to_dict()
        assert re.fullmatch(rf"{n} characters that are not printable Unicode replaced \(U\+.*\)",
                            result["document"]["warnings"][0])
        _assert_clean(result, doc.text)
        assert "\x1b" not in json.dumps(result, ensure_ascii=False)


def test_layout_controls_become_spaces_and_the_rest_replacement_characters():
    from collections import Counter

    from extractor.hygiene import clean_text

    counts: Counter = Counter()
    assert clean_text("a\x0cb\rc\u2028d\x1be\ud800f\ufffeg\U0010ffffh\u202ei\tj\n", counts) == \
        "a b c d\ufffde\ufffdf\ufffdg\ufffdh\ufffdi\tj\n"
    assert sum(counts.values()) == 8
    assert clean_text("规划\u3000２０２５年 ≥35 μg/m³ 🙂\t\n") == "规划\u3000２０２５年 ≥35 μg/m³ 🙂\t\n"


# ── 3. unbounded work from a small .docx ─────────────────────────────────────────────────

@pytest.mark.parametrize("attr", ["gridSpan", "gridBefore"])
def test_a_table_reaching_a_billion_grid_columns_is_cut_at_the_bound(tmp_path: Path, attr: str):
    path = _write(tmp_path, "grid.docx", H.docx_grid(attr, 10**9))
    t0 = time.perf_counter()
    doc = read(path)
    assert time.perf_counter() - t0 < 5
    (table,) = [b.table for b in doc.blocks if b.kind == "table"]
    assert max(len(r) for r in table.rows) == 1000
    assert [c.text for c in table.rows[1] if c.text] == ["PM2.5浓度", "≤35"]
    assert "cut at 1000 grid columns" in doc.warnings[0]


def test_the_grid_column_bound_comes_from_limits_toml(tmp_path: Path, limits_toml):
    limits_toml("docx", max_grid_columns=5)
    doc = read(_write(tmp_path, "grid.docx", H.docx_grid("gridSpan", 7)))
    (table,) = [b.table for b in doc.blocks if b.kind == "table"]
    assert [len(r) for r in table.rows] == [5, 5]


@pytest.mark.parametrize("fmt, start, labels", [("upperRoman", 10**15, ["1000000000000000、"]),
                                                ("upperLetter", 10**9, ["1000000000、"]),
                                                ("upperRoman", 14, ["XIV、", "XV、", "XVI、"]),
                                                ("upperLetter", 27, ["AA、", "BB、", "CC、"])])
def test_list_counters_beyond_the_bound_print_in_decimal(tmp_path: Path, fmt: str, start: int, labels: list[str]):
    path = _write(tmp_path, "num.docx", H.docx_numbering(fmt, start))
    t0 = time.perf_counter()
    doc = read(path)
    assert time.perf_counter() - t0 < 5
    got = [b.label for b in doc.blocks if b.label]
    assert got[:len(labels)] == labels
    assert bool(doc.warnings) == (start > 32767)


def test_a_five_thousand_deep_style_chain_is_read(tmp_path: Path):
    doc = read(_write(tmp_path, "styles.docx", H.docx_style_chain(5000)))
    assert "样式" in doc.text


# ── 4. superlinear text stages (their speed: bench/run.py) ───────────────────────────────

def test_twenty_thousand_headings_are_read_as_twenty_thousand_sections(tmp_path: Path):
    result = extract(_write(tmp_path, "headings.txt", H.txt_many_headings(20_000)))
    assert len(result.sections) >= 20_000
    assert len(result.responsibilities) >= 20_000


# ── 5. PDF bombs ─────────────────────────────────────────────────────────────────────────

def test_a_3_mb_pdf_inflating_to_3_gb_is_refused_before_it_is_inflated(tmp_path: Path):
    import resource

    path = _write(tmp_path, "bomb.pdf", H.pdf_flate_bomb(3 * 2**30))
    assert path.stat().st_size < 3.5 * 2**20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(PlanxError, match=r"refused: a stream at byte \d+ inflates to over 256 MB"):
        read(path)
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 100


def test_a_small_stream_bound_refuses_a_small_bomb_and_keeps_ordinary_pdfs(tmp_path: Path, limits_toml):
    limits_toml("pdf", max_stream_mb=1)
    with pytest.raises(PlanxError, match="inflates to over 1 MB"):
        read(_write(tmp_path, "bomb.pdf", H.pdf_flate_bomb(8 * 2**20)))
    assert "Plan 2021-2025" in read(_write(tmp_path, "ok.pdf", H.pdf_flate_bomb(512 * 2**10))).text


def test_a_padded_stream_dictionary_does_not_hide_its_filter(tmp_path: Path, limits_toml):
    limits_toml("pdf", max_stream_mb=1)
    bomb = H.deflate_bomb(8 * 2**20)
    padded = (b"<< /Filter /FlateDecode /Pad [" + b"0 " * 20000 + b"] /Length %d >>\nstream\n" % len(bomb)
              + bomb + b"\nendstream")
    pdf = H.pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                      H._page(2, 4, b"5 0 R"), H._FONT, padded])
    with pytest.raises(PlanxError, match="inflates to over 1 MB"):
        read(_write(tmp_path, "padded.pdf", pdf))


def test_a_library_ending_the_worker_under_the_memory_cap_is_over_the_memory_limit(tmp_path: Path, limits_toml):
    limits_toml("pdf", max_stream_mb=100000)  # let the bomb through to PDFium, which aborts when malloc fails
    src = tmp_path / "in"
    src.mkdir()
    (src / "bomb.pdf").write_bytes(H.pdf_flate_bomb(2 * 2**30))
    run = subprocess.run([sys.executable, "-m", "extractor.cli", "extract", str(src), "-o", str(tmp_path / "out"),
                          "--max-memory", "768MB", "-q"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert re.fullmatch(rf"error: {re.escape(str(src / 'bomb.pdf'))}: exceeded 768 MB, the per-document memory limit "
                        r"\(raise it with --max-memory\)(; the worker ended with SIG[A-Z]+)?\n", run.stderr), run.stderr


def test_a_pdf_of_100k_pages_is_refused(tmp_path: Path):
    path = _write(tmp_path, "pages.pdf", H.pdf_many_pages(100_000))
    t0 = time.perf_counter()
    with pytest.raises(PlanxError, match=r"refused: 100000 pages, over the limit of 2000 pages"):
        read(path)
    assert time.perf_counter() - t0 < 10


# ── text size, and the API's size limit ──────────────────────────────────────────────────

def test_extract_applies_the_file_size_limit(tmp_path: Path):
    with pytest.raises(PlanxError, match=r"file is 6.5 KB, over the input size limit of 1 KB"):
        extract(GOOD, max_size=1024)
    assert extract(GOOD).document.doc_id == GOOD.stem


def test_text_over_the_text_bound_is_refused_by_every_reader(tmp_path: Path, limits_toml):
    limits_toml("document", max_text_chars=1000)
    docx = FIXTURES / "renditions" / "004_061c6bf53607da0b.docx"
    pdf = FIXTURES / "renditions" / "004_061c6bf53607da0b.pdf"
    for path in (GOOD, docx, pdf):
        with pytest.raises(PlanxError, match=r"refused: the extracted text is over 1,000 characters"):
            read(path)


# ── 6. outputs ───────────────────────────────────────────────────────────────────────────

def test_a_markdown_diff_report_neutralises_links_and_image_beacons(tmp_path: Path):
    from markdown_it import MarkdownIt

    old, new = H.markdown_payload_pair()
    run = subprocess.run([sys.executable, "-m", "extractor.cli", "diff", str(_write(tmp_path, "old.txt", old)),
                          str(_write(tmp_path, "new.txt", new)), "-o", str(tmp_path / "report.md")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and "1 change (task 1)" in run.stdout, run.stderr  # 1: changes found
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "\\[点此\\]\\(javascript:alert\\(1\\)\\)\\!\\[\\]\\(http://beacon.example/x.png\\)" in md
    page = MarkdownIt("commonmark").enable("table").render(md)
    assert "<a " not in page and "<img" not in page and "javascript:alert(1)" in page  # text, not a link


# ── 7. folder state ──────────────────────────────────────────────────────────────────────

def test_the_folder_state_a_killed_run_leaves_is_repaired_by_the_next_run(tmp_path: Path):
    src, out = tmp_path / "in", tmp_path / "out"
    made = H.hostile_folder_state(src, out)
    stale = [path for what, path in made.items() if what.startswith("stale temporary")]
    assert len(stale) == 2 and all(p.name.startswith(".planx-") and p.is_file() for p in stale)
    cut = made["truncated JSON output (its source unchanged in the manifest)"]
    run = subprocess.run([sys.executable, "-m", "extractor.cli", "extract", str(src), "-o", str(out), "-j", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert not any(p.exists() for p in stale) and not list(out.glob(".planx-*.tmp"))
    redone = json.loads(cut.read_text(encoding="utf-8"))
    fresh = extract(src / "Plan.txt").to_dict()
    assert redone["document"]["doc_id"] == cut.stem == "Plan"
    for kind in ("sections", "targets", "deadlines", "responsibilities"):
        assert redone[kind] == fresh[kind] and fresh[kind], kind
    for name in TABLES:
        assert (out / name).is_file(), name
    with (out / "documents.csv").open(encoding="utf-8-sig", newline="") as fh:
        ids = sorted(row["doc_id"] for row in csv.DictReader(fh))
    assert ids == sorted(p.stem for p in out.glob("[!.]*.json")) and len(ids) == 3  # no passwd
    assert not (out / ".planx-manifest.log").exists()


# ── 8. errors that are not planx's own ───────────────────────────────────────────────────

def test_a_docx_whose_main_part_has_a_foreign_root_is_one_line(tmp_path: Path):
    path = _write(tmp_path, "foreign.docx", H.docx_foreign_root())
    with pytest.raises(PlanxError, match=r"corrupt \.docx \(word/document\.xml is not a Word document: its root is <html>\)"):
        read(path)


def test_phase_dates_in_year_zero_are_read_and_audited(tmp_path: Path):
    result = extract(_write(tmp_path, "year0.txt", H.txt_year_zero_phase())).to_dict()
    assert [p["end"] for p in result["document"]["phases"]] == ["0000-02-27", "2025-12"]
    assert any(f["check"] == "date.phases" for f in result["findings"])


def test_running_out_of_memory_is_a_one_line_error_with_a_cause(tmp_path: Path, monkeypatch):
    import extractor.readers.txt as txt_reader

    def no_memory(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(txt_reader, "read_txt", no_memory)
    with pytest.raises(OutOfMemory) as e:
        extract(GOOD)
    assert str(e.value) == f"{GOOD}: out of memory while extracting it"


def test_a_planx_json_with_bad_characters_is_cleaned_when_read_back(tmp_path: Path):
    good = extract(GOOD).to_dict()
    old = _write(tmp_path, "old.json", json.dumps(good).encode())
    new = _write(tmp_path, "new.json", H.planx_json_with_bad_characters(good))
    for args in (["diff", old, new, "-o", tmp_path / "r.xlsx", "-o", tmp_path / "r.md", "-o", tmp_path / "r.html"],
                 ["audit", new]):
        run = subprocess.run([sys.executable, "-m", "extractor.cli", *map(str, args)], cwd=ROOT, capture_output=True,
                             text=True, timeout=120)
        assert run.returncode in (0, 1) and "Traceback" not in run.stderr, run.stderr
        assert "\x1b" not in run.stdout + run.stderr
    assert "总体\ufffd要求" in (tmp_path / "r.md").read_text(encoding="utf-8")


# ── one batch of every hostile file beside a good document ───────────────────────────────

# cause of each hostile file that is refused (the others are extracted, maybe with warnings)
REFUSED = {"flate_bomb.pdf": r"refused: a stream at byte \d+ inflates to over 256 MB",
           "many_pages.pdf": r"refused: 100000 pages, over the limit of 2000 pages",
           "foreign_root.docx": r"corrupt \.docx \(word/document\.xml is not a Word document",
           "malformed.json": r"unsupported file type '\.json'"}
WARNED = {"sym_surrogate.docx": "1 character that is not printable Unicode replaced (U+D800 ×1)",
          "sym_beyond_unicode.docx": "(U+FFFF ×1)", "tounicode_surrogate.pdf": "(U+D800 ×1)",
          "noncharacters.txt": "(U+FFFE ×1, U+FFFF ×1)", "controls.txt": "8 characters",
          "grid_span.docx": "cut at 1000 grid columns", "numbering_roman.docx": "printed in decimal"}
SLOW = {"repeated_deadlines.txt", "long_paragraph.txt", "many_headings.txt"}  # issue 12 §4 (speed lane)


def test_a_batch_of_every_hostile_file_beside_a_good_document(tmp_path: Path):
    src, out = tmp_path / "in", tmp_path / "out"
    made = H.write_all(src)
    (src / "good.txt").write_bytes(GOOD.read_bytes())
    timeout = 10
    t0 = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "extractor.cli", "extract", str(src), str(src / "malformed.json"),
                          "-o", str(out), "-j", "2", "--timeout", str(timeout), "--max-memory", "2GB"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    wall = time.monotonic() - t0
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    for name, cause in REFUSED.items():
        mine = [e for e in errors if e.startswith(f"error: {src / name}: ")]
        assert len(mine) == 1 and re.search(cause, mine[0]), (name, run.stderr)
    for e in errors:
        name = Path(e.split(": ", 2)[1]).name
        assert name in REFUSED or (name in SLOW and e.endswith(
            f"exceeded {timeout} s, the per-document time limit (raise it with --timeout)")), e
    extracted = {p.stem for p in out.glob("*.json")}
    expected = {Path(n).stem for n in made if n not in REFUSED and n not in SLOW
                and n.endswith((".txt", ".docx", ".pdf"))}
    assert expected | {"good"} <= extracted
    for name in TABLES:
        assert (out / name).is_file(), name
    cells = []  # the formulas of csv_formulas.txt reach the CSV files neutralised (issue 12 §6)
    for table in out.glob("*.csv"):
        with table.open(encoding="utf-8-sig", newline="") as fh:
            cells += [c for row in csv.reader(fh) for c in row]
    assert not [c for c in cells if c.startswith(("=HYPERLINK", "@SUM", "+cmd"))]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    warnings = [line for line in run.stderr.splitlines() if line.startswith("warning: ")]
    for name, cause in WARNED.items():
        assert any(w.startswith(f"warning: {src / name}: ") and cause in w for w in warnings), (name, warnings)
    assert run.returncode == 1
    assert wall < timeout * len(SLOW) + 120


def test_a_number_beyond_64_bits_costs_no_batch_table(tmp_path: Path):
    from extractor.batch import run_batch

    src = tmp_path / "in"
    src.mkdir()
    (src / "big.txt").write_bytes(H.txt_big_number())
    (src / "good.txt").write_bytes(GOOD.read_bytes())
    s = run_batch([src], tmp_path / "out", jobs=1)
    assert s.failures == []
    assert all((tmp_path / "out" / name).is_file() for name in TABLES)
