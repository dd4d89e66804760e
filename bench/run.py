"""planx benchmark: speed per stage and per core, baselines, start-up, memory, batch scaling.

    .venv/bin/python bench/run.py            # full run (a 1,000-document batch at --jobs 1 and 2)
    .venv/bin/python bench/run.py --docs 100 # quicker
    .venv/bin/python bench/run.py --batch-only  # only the batch section (replaced in RESULTS.md)

Prints markdown tables and writes them to bench/RESULTS.md.  Inputs: corpora/*.txt, the
.pdf/.docx files under tests/fixtures/ (stand-in renditions of the seeds are generated when
there are none), and a batch of seed and fixture copies generated in a temporary folder.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPORA = ROOT / "corpora"
FIXTURES = ROOT / "tests" / "fixtures"
STAGES = ("read", "structure", "tables", "text", "audit", "write")


# ── helpers ──────────────────────────────────────────────────────────────────────────

def best_of(n: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(args: list[str]) -> tuple[float, str]:
    """(wall seconds, stdout) of a child process."""
    t0 = time.perf_counter()
    p = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise SystemExit(f"bench: {' '.join(args[:2])} failed ({p.returncode}): {p.stderr[-2000:]}")
    return time.perf_counter() - t0, p.stdout


def table(header: list[str], rows: list[list[object]]) -> str:
    def fmt(v: object) -> str:
        return f"{v:.3g}" if isinstance(v, float) and abs(v) < 100 else (f"{v:.0f}" if isinstance(v, float) else str(v))

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(v) for v in r) + " |" for r in rows]
    return "\n".join(lines)


# ── measurements ─────────────────────────────────────────────────────────────────────

def startup() -> list[list[object]]:
    py = sys.executable
    bare = best_of(5, lambda: subprocess.run([py, "-c", "pass"], check=True))
    helps = best_of(5, lambda: subprocess.run([py, "-m", "extractor.cli", "--help"], cwd=ROOT, check=True,
                                              capture_output=True))
    seed = min(CORPORA.glob("*.txt"), key=lambda p: p.stat().st_size)
    with tempfile.TemporaryDirectory() as out:
        one = best_of(3, lambda: subprocess.run([py, "-m", "extractor.cli", "extract", str(seed), "-o", out, "-q",
                                                 "-j", "1", "--force"], cwd=ROOT, check=True))
    return [["python -c pass (interpreter only)", bare, ""], ["planx --help", helps, "target < 0.3 s"],
            [f"planx extract {seed.name} (one small document, cold)", one, "includes one-time init"]]


def extract_timed(path: Path, out_dir: Path) -> dict[str, float]:
    from extractor.pipeline import extract
    from extractor.writers.jsonfile import write_document_json

    t: dict[str, float] = {}
    res = extract(path, timings=t)
    t0 = time.perf_counter()
    write_document_json(res.to_dict(), out_dir)
    t["write"] = time.perf_counter() - t0
    return t


def planx_stages(files: list[Path], repeats: int = 3) -> tuple[float, dict[str, float], float]:
    """(cold seconds of the first pass, best warm per-stage seconds summed over files, warm total)."""
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        for f in files:
            extract_timed(f, Path(out))
        cold = time.perf_counter() - t0
        best: dict[str, float] | None = None
        for _ in range(repeats):
            total: dict[str, float] = {}
            for f in files:
                for k, v in extract_timed(f, Path(out)).items():
                    total[k] = total.get(k, 0.0) + v
            if best is None or sum(total.values()) < sum(best.values()):
                best = total
    return cold, best or {}, sum((best or {}).values())


def pdfplumber_baseline(files: list[Path]) -> tuple[float, int]:
    """Raw pdfplumber: text and tables of every page (the floor of a pdfplumber tool)."""
    import pdfplumber

    pages = 0
    t0 = time.perf_counter()
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()
                pages += 1
    return time.perf_counter() - t0, pages


def docx_baseline(files: list[Path]) -> float:
    """Raw python-docx: every paragraph's text and every table cell's text."""
    import docx

    t0 = time.perf_counter()
    for f in files:
        d = docx.Document(f)
        [p.text for p in d.paragraphs]
        [c.text for t in d.tables for r in t.rows for c in r.cells]
    return time.perf_counter() - t0


def _text_pdf(path: Path) -> bool:
    """A PDF pdfplumber opens, with a text layer (the hostile fixtures are left out)."""
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            return bool(pdf.pages) and bool(pdf.pages[0].chars)
    except Exception:  # noqa: BLE001 — encrypted, malformed: not a benchmark input
        return False


def _good_docx(path: Path) -> bool:
    import docx

    try:
        docx.Document(path)
    except Exception:  # noqa: BLE001 — corrupt: not a benchmark input
        return False
    return True


def fixtures(tmp: Path) -> tuple[list[Path], list[Path], str]:
    pdfs = [p for p in sorted(FIXTURES.rglob("*.pdf")) if _text_pdf(p)]
    docxs = [p for p in sorted(FIXTURES.rglob("*.docx")) if _good_docx(p)]
    if pdfs and docxs:
        return pdfs, docxs, "tests/fixtures"
    sys.path.insert(0, str(ROOT / "bench"))
    import renditions

    gen = tmp / "renditions"
    gen.mkdir()
    seeds = sorted(CORPORA.glob("*.txt"))
    if not pdfs:
        pdfs = [renditions.write_pdf(s, gen / f"{s.stem}.pdf") for s in seeds]
    if not docxs:
        docxs = [renditions.write_docx(s, gen / f"{s.stem}.docx") for s in seeds]
    return pdfs, docxs, "generated from corpora/ by bench/renditions.py (tests/fixtures had none)"


def can_read(fmt: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(f"extractor.readers.{fmt}") is not None


def optional_tool(name: str) -> str:
    import importlib.util

    if importlib.util.find_spec(name) is None:
        return "not installed"
    return "installed"


def make_batch(folder: Path, n: int, sources: list[Path]) -> None:
    folder.mkdir(parents=True)
    for i in range(n):
        src = sources[i % len(sources)]
        shutil.copy(src, folder / f"{i:05d}_{src.name}")


_BATCH = """
import json, sys, threading, time
from extractor.batch import run_batch

def hwm_mb():  # this process's own peak RSS (ru_maxrss would include the launcher's, kept across exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")

peak = {"tree": 0.0, "worker": 0.0}
done = threading.Event()

def sample():  # RSS of this process and its workers, every 50 ms (psutil, when installed)
    try:
        import psutil
    except ImportError:
        return
    me = psutil.Process()
    while not done.wait(0.05):
        try:
            kids = [k.memory_info().rss for k in me.children(recursive=True)]
            peak["tree"] = max(peak["tree"], (me.memory_info().rss + sum(kids)) / 2**20)
            peak["worker"] = max([peak["worker"]] + [k / 2**20 for k in kids])
        except psutil.Error:
            pass

import extractor.batch as batch
write_tables, before_tables = batch._write_tables, {}

def timed_tables(*args):  # the parent's peak before the batch tables are assembled
    before_tables["mb"] = hwm_mb()
    return write_tables(*args)

batch._write_tables = timed_tables
threading.Thread(target=sample, daemon=True).start()
s = run_batch([sys.argv[1]], sys.argv[2], jobs=int(sys.argv[3]), force=True)
done.set()
print(json.dumps({"documents": s.documents, "failures": len(s.failures), "elapsed": s.elapsed,
                  "tables": s.tables_elapsed, "records": sum(s.records.values()),
                  "parent_mb": hwm_mb(), "extract_mb": before_tables.get("mb"), "tree_mb": peak["tree"], "worker_mb": peak["worker"]}))
"""


def batch(folder: Path, out: Path, jobs: int) -> dict:
    wall, stdout = run_child([sys.executable, "-c", _BATCH, str(folder), str(out), str(jobs)])
    res = json.loads(stdout.strip().splitlines()[-1])
    res["wall"] = wall
    return res


def batch_section(tmp: Path, sources: list[Path], docs: int) -> tuple[str, str]:
    """(title, markdown table) of the batch runs: a small batch at --jobs 2, then ``docs``
    documents at --jobs 1 and 2; memory of the parent before and after the batch tables."""
    small = max(10, docs // 5)
    make_batch(tmp / "batch", docs, sources)
    make_batch(tmp / "small", small, sources)
    runs = [(small, 2, batch(tmp / "small", tmp / "out_s", 2))]
    runs += [(docs, j, batch(tmp / "batch", tmp / f"out{j}", j)) for j in (1, 2)]
    one = runs[1][2]
    rows = [[n, j, r["documents"], r["failures"], r["wall"], r["elapsed"] - r["tables"], r["tables"],
             n / r["wall"], f"{(one['elapsed'] - one['tables']) / (r['elapsed'] - r['tables']):.2f}"
             if n == docs else "", r["extract_mb"], r["parent_mb"], r["worker_mb"] or "", r["tree_mb"]]
            for n, j, r in runs]
    mix = ", ".join(sorted({p.suffix for p in sources}))
    body = table(["documents", "jobs", "ok", "failed", "wall s", "extract s", "tables s", "docs/s (wall)",
                  "extract speed-up", "parent peak MB before tables", "parent peak MB", "worker peak MB",
                  "all processes peak MB"], rows)
    body += ("\n\nThe batch tables (CSV, Excel, SQLite) stream from the per-document JSON in two passes "
             "(column keys, then rows), so the parent's peak with --jobs 2 does not grow with the "
             "number of documents.")
    return f"Batch of copies ({mix}) with --jobs N on {os.cpu_count()} cores", body


def batch_only(docs: int, output: Path) -> None:
    """Run only the batch section and put it in place of the one in ``output``."""
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        pdfs, docxs, _ = fixtures(tmp)
        sources = sorted(CORPORA.glob("*.txt")) + [p for p in pdfs + docxs if can_read(p.suffix[1:])]
        title, body = batch_section(tmp, sources, docs)
    block = f"## {title}\n\n{body}\n"
    print(block)
    text = output.read_text(encoding="utf-8") if output.exists() else ""
    start = text.find("## Batch of copies")
    if start < 0:
        text = text + ("\n" if text else "") + block
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + block + (text[end + 1:] if end >= 0 else "")
    output.write_text(text, encoding="utf-8")
    print(f"written: {output} (batch section, --docs {docs})")


# ── report ───────────────────────────────────────────────────────────────────────────

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=1000, help="documents in the scaling batch (default 1000)")
    ap.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--batch-only", action="store_true", help="run only the batch section")
    args = ap.parse_args()
    if args.batch_only:
        batch_only(args.docs, Path(args.output))
        return
    sections: list[str] = []

    def emit(title: str, body: str) -> None:
        block = f"## {title}\n\n{body}\n"
        print(block, flush=True)
        sections.append(block)

    emit("Start-up (best of 5, wall seconds)", table(["command", "s", "note"], startup()))

    seeds = sorted(CORPORA.glob("*.txt"))
    mb = sum(p.stat().st_size for p in seeds) / 2**20
    cold, stages, warm = planx_stages(seeds)
    emit(f"Five seed documents, corpora/*.txt ({mb:.2f} MB), one core, in-process",
         table(["stage", "s (warm, best of 3)", "share"],
               [[k, stages.get(k, 0.0), f"{100 * stages.get(k, 0.0) / warm:.0f}%"] for k in STAGES]
               + [["total (work, excl. start-up)", warm, "target < 1 s"],
                  ["first pass incl. one-time init (patterns, jieba dictionaries)", cold, ""],
                  ["text MB/s per core (warm)", mb / warm, ""],
                  ["peak RSS of this process so far, MB", peak_mb(), ""]]))

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        pdfs, docxs, origin = fixtures(tmp)
        rows = []
        base_pdf, pages = pdfplumber_baseline(pdfs)
        rows.append([f"pdfplumber text+tables, every page ({len(pdfs)} PDFs, {pages} pages)", base_pdf,
                     pages / base_pdf, "1.00"])
        if can_read("pdf"):
            planx_stages(pdfs[:1], repeats=1)  # warm the reader
            _, st, t_pdf = planx_stages(pdfs, repeats=1)
            rows.append(["planx extract, same PDFs (all stages)", t_pdf, pages / t_pdf, f"{base_pdf / t_pdf:.2f}"])
            rows.append(["planx PDF reader stage only", st.get("read", 0.0), pages / max(st.get("read", 0.0), 1e-9),
                         f"{base_pdf / max(st.get('read', 0.0), 1e-9):.2f}"])
        else:
            rows.append(["planx extract, same PDFs", "no .pdf reader in this tree yet", "", ""])
        base_docx = docx_baseline(docxs)
        rows.append([f"python-docx paragraphs+tables ({len(docxs)} .docx)", base_docx, "", "1.00"])
        if can_read("docx"):
            planx_stages(docxs[:1], repeats=1)
            _, st, t_docx = planx_stages(docxs, repeats=1)
            rows.append(["planx extract, same .docx (all stages)", t_docx, "", f"{base_docx / t_docx:.2f}"])
            rows.append(["planx .docx reader stage only", st.get("read", 0.0), "",
                         f"{base_docx / max(st.get('read', 0.0), 1e-9):.2f}"])
        else:
            rows.append(["planx extract, same .docx", "no .docx reader in this tree yet", "", ""])
        for tool in ("docling", "unstructured"):
            rows.append([f"{tool}", f"skipped: {optional_tool(tool)} (see README)", "", ""])
        emit(f"PDF and .docx against the raw libraries (inputs: {origin})",
             table(["what", "s", "pages/s (one core)", "speed vs raw library"], rows))

        emit(*batch_section(tmp, seeds + [p for p in pdfs + docxs if can_read(p.suffix[1:])], args.docs))

    head = (f"# planx benchmark results\n\nCommand: `.venv/bin/python bench/run.py --docs {args.docs}` · "
            f"{time.strftime('%Y-%m-%d %H:%M')} · Python {platform.python_version()} · "
            f"{os.cpu_count()} cores · {platform.machine()}\n\n")
    Path(args.output).write_text(head + "\n".join(sections), encoding="utf-8")
    print(f"written: {args.output}")


if __name__ == "__main__":
    main()
