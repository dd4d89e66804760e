"""planx benchmark: every figure as a ratio measured in the same run.

    .venv/bin/python bench/run.py                      # everything (a 1,000-document batch: ≈ 10 min)
    .venv/bin/python bench/run.py --docs 0             # no batch section (≈ 3 min)
    .venv/bin/python bench/run.py --baseline REV       # also the planx of commit REV, side by side
    .venv/bin/python bench/run.py --batch-only         # only the batch section (replaced in RESULTS.md)
    .venv/bin/python bench/run.py --pdf-only           # only the PDF and .docx section (replaced in RESULTS.md)

Prints markdown tables and writes them to bench/RESULTS.md.  Baselines run in the same run:
a single compiled-regex pass over the seed text (the floor of any text tool), raw pdfplumber
and PyMuPDF (when installed: ``pip install -e ".[bench]"``) on the PDF fixtures, python-docx on
the .docx fixtures, and — with ``--baseline REV`` — the planx of another commit, checked out
in a temporary worktree.  planx and its baseline are measured alternately, each in fresh
processes (bench/measure.py), so that the load of the machine hits both alike.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import published  # noqa: E402  (the published-formats section, bench/published.py)
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
CORPORA = ROOT / "corpora"
FIXTURES = ROOT / "tests" / "fixtures"
STAGES = ("read", "structure", "tables", "text", "audit", "write")
CURVE = (1, 2, 4, 8, 16)
QUIET_STEAL, QUIET_RETRIES = 0.01, 2  # a batch run on a quiet machine: the host's steal at most 1 % of the cores
QUIET_CPU = 0.02  # … and its documents' extraction took at most 2 % more CPU than in the batch's least run (a
# contended host runs the same instructions slower without any steal: 5 % more CPU in rounds 10 % slower)
SEED_ROUNDS = 3  # the seeds' rounds per round of the other sections (a round of them takes seconds)
FLOOR_RX = r"\d+(?:\.\d+)?\s*(?:%|万|亿|个|家|处|年|月|日|吨|公里|平方米|立方米)"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as users run it


# ── helpers ──────────────────────────────────────────────────────────────────────────

def best_of(n: int, fn: Callable[[], object], clock: Callable[[], float] = time.process_time) -> float:
    """Least time of ``n`` calls, by CPU time of this process unless ``clock`` says otherwise."""
    times = []
    for _ in range(n):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return min(times)


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def table(header: list[str], rows: list[list[object]]) -> str:
    def fmt(v: object) -> str:
        if isinstance(v, float):
            return f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"
        return str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(v) for v in r) + " |" for r in rows]
    return "\n".join(lines)


def ratio(a: Optional[float], b: Optional[float]) -> str:
    return f"{a / b:.2f}×" if a and b else ""


def load_note() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min) on {os.cpu_count()} cores"


@contextlib.contextmanager
def baseline_tree(rev: Optional[str]) -> Iterator[Optional[Path]]:
    """A temporary worktree of commit ``rev`` (None: no baseline)."""
    if not rev:
        yield None
        return
    tmp = Path(tempfile.mkdtemp(prefix="planx-base-"))
    tree = tmp / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), rev], cwd=ROOT, check=True,
                   capture_output=True)
    try:
        yield tree
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def measure(tree: Path, runs: list[dict], warm: list[str], timeout: float, floor: Optional[dict] = None) -> dict:
    """bench/measure.py in a fresh process for ``tree`` (and the regex floor ``floor`` describes,
    labelled "floor"); {} when it exceeds ``timeout``."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump({"warm": warm, "runs": runs, **({"floor": floor} if floor else {})}, fh)
    try:
        p = subprocess.run([sys.executable, str(ROOT / "bench" / "measure.py"), str(tree), fh.name],
                           capture_output=True, text=True, timeout=timeout, env=ENV)
    except subprocess.TimeoutExpired:
        return {}
    finally:
        os.unlink(fh.name)
    if p.returncode:
        raise SystemExit(f"bench: measure.py failed for {tree}: {p.stderr[-2000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def alternate(trees: dict[str, Optional[Path]], runs: list[dict], warm: list[str], rounds: int,
              timeout: float, floor: Optional[dict] = None) -> dict[str, dict]:
    """Each tree measured ``rounds`` times, alternately; per label the best total of all rounds."""
    best: dict[str, dict] = {name: {} for name, t in trees.items() if t}
    for _ in range(rounds):
        for name, tree in trees.items():
            if tree is None:
                continue
            for label, r in measure(tree, runs, warm, timeout, floor).items():
                if label.startswith("_"):  # the warm-up
                    continue
                if label not in best[name] or r["cpu"] < best[name][label]["cpu"]:
                    best[name][label] = r
    return best


# ── start-up ─────────────────────────────────────────────────────────────────────────

def cold_run(tree: Path, args: list[str], made: Path) -> Optional[tuple[float, float]]:
    """(wall, CPU) seconds of one ``planx ARGS`` by the planx of ``tree``; None when it fails
    (exit 2 or more, or ``made`` not written: an older planx may need what is not installed)."""
    made.unlink(missing_ok=True)
    t0, c0 = time.perf_counter(), children_cpu()
    p = subprocess.run([sys.executable, "-m", "extractor.cli", *args], cwd=tree, capture_output=True,
                       env={**ENV, "PYTHONPATH": str(tree)})
    wall, cpu = time.perf_counter() - t0, children_cpu() - c0
    return (wall, cpu) if p.returncode <= 1 and made.exists() else None


def startup(trees: dict[str, Optional[Path]], pdf: Path, docxs: list[Path]) -> str:
    """The interpreter, ``--help``, and cold runs of planx's commands: ``extract`` of the smallest
    seed and of ``pdf`` (a first PDF: its reader, and jieba for unit names the lexicon cannot
    read), ``diff`` of those two results (JSON), and ``diff`` of two documents (a seed and its .docx)."""
    py = sys.executable
    seed = min(CORPORA.glob("*.txt"), key=lambda p: p.stat().st_size)
    docx = next((d for d in docxs if d.stem == seed.stem), min(docxs, key=lambda p: p.stat().st_size))
    bare = best_of(5, lambda: subprocess.run([py, "-c", "pass"], check=True, env=ENV), time.perf_counter)
    helps = best_of(5, lambda: subprocess.run([py, "-m", "extractor.cli", "--help"], cwd=ROOT, check=True,
                                              capture_output=True, env=ENV), time.perf_counter)
    rows = [["python -c pass (interpreter only)", bare, "", "", ""], ["planx --help", helps, "", "", "target < 0.3 s"]]
    import pypdfium2

    pages = len(pypdfium2.PdfDocument(str(pdf)))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)

        def result(doc: Path) -> Callable[[str], Path]:  # each document in a folder of its own, as before
            return lambda name: out / name / doc.stem / f"{doc.stem}.json"

        def extract(doc: Path) -> Callable[[str], tuple[list[str], Path]]:
            return lambda name: (["extract", str(doc), "-o", str(result(doc)(name).parent), "-q", "-j", "1",
                                  "--force"], result(doc)(name))

        def diff(old: Callable[[str], Path], new: Callable[[str], Path]) -> Callable[[str], tuple[list[str], Path]]:
            return lambda name: (["diff", str(old(name)), str(new(name)), "-o", str(out / f"{name}.diff.json")],
                                 out / f"{name}.diff.json")

        runs = [(extract(seed), f"planx extract {seed.name} -o DIR (one small document, cold, all outputs)",
                 "target < 1 s"),
                (extract(pdf), f"planx extract {pdf.name} -o DIR (a PDF of {pages} pages, cold, all outputs)", ""),
                (diff(result(seed), result(pdf)),
                 "planx diff A.json B.json -o FILE (the two results above)", ""),
                (diff(lambda name: seed, lambda name: docx),
                 f"planx diff {seed.name} {docx.name} -o FILE (two documents: both extracted)", "")]
        for spec, what, note in runs:
            cold: dict[str, list[tuple[float, float]]] = {name: [] for name, t in trees.items() if t}
            for name, tree in trees.items():  # one run each first: byte-code and jieba caches written
                if tree:
                    cold_run(tree, *spec(name))
            for _ in range(5):
                for name, tree in trees.items():
                    got = cold_run(tree, *spec(name)) if tree else None
                    if got is not None:
                        cold[name].append(got)
            if not cold["planx"]:
                raise SystemExit(f"bench: planx {' '.join(spec('planx')[0])} failed")
            now = min(cold["planx"], key=lambda t: t[1])
            rows.append([what, now[0], now[1], "", note])
            if "baseline" in cold:
                base = min(cold["baseline"], key=lambda t: t[1]) if cold["baseline"] else None
                rows.append(["the same, baseline", *(base or ("failed here (an older planx may need a library no longer installed)", "")),
                             ratio(base[1], now[1]) if base else "", ""])
    return table(["command", "wall s (best of 5)", "CPU s", "baseline / planx (CPU)", "note"], rows)


# ── five seeds, floor and size curve ─────────────────────────────────────────────────

def text_inputs(tmp: Path) -> dict[str, Path]:
    """The size curve (the seeds concatenated 1–16 times) and the pathological texts."""
    import long_text

    out = {}
    for n in CURVE:
        out[f"{n}x"] = tmp / f"seeds_x{n}.txt"
        out[f"{n}x"].write_text(long_text.repeated_seeds(n), encoding="utf-8")
    for name, kwargs in (("one_paragraph", {"size": 1_500_000}), ("repeated_limit", {"size": 130_000}),
                         ("many_headings", {"count": 20_000})):
        out[name] = long_text.write(name, tmp / f"{name}.txt", **kwargs)
    return out


def seeds_section(trees: dict[str, Optional[Path]], rounds: int) -> tuple[str, dict]:
    """The seeds' work per stage, and its ratio to the regex floor: one compiled-regex pass over
    each seed's text, decoding included (the floor of a text tool), measured in the same
    processes as planx and its baseline, before and after their passes: both terms of the ratio
    the least of many measurements spread over the section, so that a slower spell of a shared
    machine does not fall on one term only."""
    seeds = sorted(CORPORA.glob("*.txt"))
    runs = [{"label": p.name, "path": str(p), "repeats": 3} for p in seeds]
    best = alternate(trees, runs, [str(seeds[-1])], rounds, timeout=600,
                     floor={"pattern": FLOOR_RX, "paths": [str(p) for p in seeds], "passes": 5})
    floor = min(b["floor"]["cpu"] for b in best.values() if "floor" in b)  # (a timed-out process has none)

    def stages(name: str) -> dict[str, float]:
        return {k: sum(best[name][p.name].get(k, 0.0) for p in seeds) for k in (*STAGES, "total", "cpu")}

    now = stages("planx")
    base = stages("baseline") if "baseline" in best else None
    mb = sum(p.stat().st_size for p in seeds) / 2**20
    rows = [[k, now[k], f"{100 * now[k] / now['cpu']:.0f}%", base[k] if base else "", ratio(base and base[k], now[k])]
            for k in STAGES]
    rows.append(["total work, wall (after start-up)", now["total"], "", base["total"] if base else "",
                 ratio(base and base["total"], now["total"])])
    rows.append(["**total work, CPU**", now["cpu"], "target ≤ 0.3 s", base["cpu"] if base else "",
                 ratio(base and base["cpu"], now["cpu"])])
    rows.append(["regex floor: one compiled-regex pass, decoding included, CPU (least of "
                 f"{10 * rounds * len(best)} passes)", floor, "", "", ""])
    rows.append(["**CPU work / regex floor**", f"{now['cpu'] / floor:.1f}×", "target ≤ 25×",
                 f"{base['cpu'] / floor:.1f}×" if base else "", ""])
    rows.append(["text MB/s per core (CPU)", mb / now["cpu"], "", mb / base["cpu"] if base else "", ""])
    return (table(["stage, CPU s (pass with the least CPU of 3 warm passes)", "planx s", "share / target",
                   "baseline s", "baseline / planx"], rows),
            {"work": now["cpu"], "base_work": base and base["cpu"], "floor": floor})


def curve_section(trees: dict[str, Optional[Path]], inputs: dict[str, Path], rounds: int,
                  timeout: float) -> tuple[str, dict]:
    """The size curve and the pathological texts; a baseline run over ``timeout`` is reported as such."""
    sizes = {f"{n}x": n for n in CURVE}  # a size label's multiple of the seeds
    labels = [*sizes, "one_paragraph", "repeated_limit", "many_headings"]
    results: dict[str, dict[str, dict]] = {name: {} for name, t in trees.items() if t}
    warm = [str(sorted(CORPORA.glob("*.txt"))[-1])]
    for label in labels:  # one process per input, so that a slow one cannot hide the others
        # every size the same way: the pass with the least CPU of 2 in one process (the second
        # pass meets warm caches, at 1x as at 16x), each pass the same amount of text (n× the
        # seeds extracted 16/n times in a row, per extraction); a pathological text, once
        size = sizes.get(label)
        run = [{"label": label, "path": str(inputs[label]), "repeats": 2 if size else 1,
                "times": CURVE[-1] // size if size else 1}]
        for name, got in alternate(trees, run, warm, rounds if label in ("1x", "16x") else 1, timeout).items():
            results[name].update(got)
    one = results["planx"]["1x"]
    size_mb = {k: inputs[k].stat().st_size / 2**20 for k in labels}
    rows = []
    for k, label in enumerate(labels):
        now = results["planx"].get(label)
        base = results.get("baseline", {}).get(label) if "baseline" in results else None
        n = sizes.get(label)
        slope = ""
        if n and n > 1:
            prev = results["planx"][f"{CURVE[k - 1]}x"]
            slope = f"{math.log(now['cpu'] / prev['cpu']) / math.log(CURVE[k] / CURVE[k - 1]):.2f}"
        base_txt = "" if "baseline" not in results else (f"{base['cpu']:.3g}" if base else f"> {timeout:.0f} s wall")
        rows.append([label, f"{size_mb[label]:.2f}", now["cpu"], now["total"], now.get("text", 0.0),
                     f"{now['cpu'] / one['cpu']:.2f}×" if n else "", slope,
                     f"{size_mb[label] / now['cpu']:.2f}", base_txt,
                     ratio(base and base["cpu"], now["cpu"]) if base else ""])
    head = ["input", "MB", "planx CPU s", "wall s", "text stage CPU s", "CPU / 1×", "log-log slope vs previous",
            "MB/s (CPU)", "baseline CPU s", "baseline / planx"]
    sixteen = results["planx"]["16x"]["cpu"] / one["cpu"]
    first = results["planx"]["16x"]["first_cpu"] / one["cpu"]
    body = table(head, rows)
    body += (f"\n\n16× the seeds costs **{sixteen:.1f}×** the time of 1× (target ≤ 17×; each size the pass with the "
             f"least CPU of 2, each pass {CURVE[-1]}× the seeds' text: n× the seeds extracted {CURVE[-1]}/n times in a "
             f"row, CPU per extraction; 16×'s first pass against 1×: {first:.1f}×). "
             "`one_paragraph`: the seeds' prose as one 1.5 MB paragraph; `repeated_limit`: one paragraph of "
             "“到2025年，” repeated to 130 KB; `many_headings`: 20,000 headings, each with a task paragraph "
             "(generators in tests/fixtures/long_text.py).")
    return body, {"16x/1x": sixteen, "16x first/1x": first, "paragraph": results["planx"]["one_paragraph"]["cpu"]}


# ── PDF and .docx against the raw libraries ──────────────────────────────────────────

def pdfplumber_baseline(files: list[Path]) -> tuple[float, int]:
    """Raw pdfplumber: text and tables of every page (the floor of a pdfplumber tool)."""
    import pdfplumber

    pages = 0
    t0 = time.process_time()
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()
                pages += 1
    return time.process_time() - t0, pages


def pymupdf_baseline(files: list[Path], tables: bool) -> float:
    """Raw PyMuPDF: text of every page, and its table finder when ``tables``."""
    import pymupdf

    t0 = time.process_time()
    for f in files:
        with pymupdf.open(f) as pdf:
            for page in pdf:
                page.get_text()
                if tables:
                    [t.extract() for t in page.find_tables().tables]
    return time.process_time() - t0


def docx_baseline(files: list[Path]) -> float:
    """Raw python-docx: every paragraph's text and every table cell's text."""
    import docx

    t0 = time.process_time()
    for f in files:
        d = docx.Document(f)
        [p.text for p in d.paragraphs]
        [c.text for t in d.tables for r in t.rows for c in r.cells]
    return time.process_time() - t0


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


def installed(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


_FORMATS = "PDF and .docx against the raw libraries"


def formats_section(trees: dict[str, Optional[Path]], pdfs: list[Path], docxs: list[Path], origin: str,
                    rounds: int = 1) -> str:
    runs = [{"label": f"pdf:{p}", "path": str(p), "repeats": 2} for p in pdfs]
    runs += [{"label": f"docx:{p}", "path": str(p), "repeats": 2} for p in docxs]
    best = alternate(trees, runs, [str(pdfs[0]), str(docxs[0])], rounds, timeout=900)

    def total(name: str, kind: str, stage: str = "cpu") -> Optional[float]:
        got = best.get(name, {})
        vals = [got[k].get(stage, 0.0) for k in got if k.startswith(kind)]
        return sum(vals) if vals else None

    plumber, pages = pdfplumber_baseline(pdfs)
    rows = [[f"pdfplumber extract_text + extract_tables ({len(pdfs)} PDFs, {pages} pages)", plumber,
             pages / plumber, "1.00×"]]
    if installed("pymupdf"):
        for tables in (False, True):
            t = pymupdf_baseline(pdfs, tables)
            rows.append([f"PyMuPDF get_text{' + find_tables' if tables else ''}", t, pages / t, ratio(plumber, t)])
    else:
        rows.append(["PyMuPDF", "not installed (pip install -e \".[bench]\")", "", ""])
    for name in best:
        label = "planx" if name == "planx" else "baseline planx"
        whole, read = total(name, "pdf:"), total(name, "pdf:", "read")
        rows.append([f"{label} extract, same PDFs (all stages)", whole, pages / whole, ratio(plumber, whole)])
        rows.append([f"{label} PDF reader stage only", read, pages / read, ratio(plumber, read)])
    pydocx = docx_baseline(docxs)
    rows.append([f"python-docx paragraphs + table cells ({len(docxs)} .docx)", pydocx, "", "1.00×"])
    for name in best:
        label = "planx" if name == "planx" else "baseline planx"
        whole, read = total(name, "docx:"), total(name, "docx:", "read")
        rows.append([f"{label} extract, same .docx (all stages)", whole, "", ratio(pydocx, whole)])
        rows.append([f"{label} .docx reader stage only", read, "", ratio(pydocx, read)])
    return (f"Inputs: {origin}. CPU seconds; “speed vs library” = library time / this time (> 1: faster than "
            "the library).\n\n" + table(["what", "CPU s", "pages/s (one core)", "speed vs library"], rows))


# ── batch ────────────────────────────────────────────────────────────────────────────

def make_batch(folder: Path, n: int, sources: list[Path]) -> None:
    folder.mkdir(parents=True)
    for i in range(n):
        src = sources[i % len(sources)]
        shutil.copy(src, folder / f"{i:05d}_{src.name}")


_BATCH = """
import json, os, resource, sys, threading, time
from extractor.batch import run_batch

def hwm_mb():  # this process's own peak RSS (ru_maxrss would include the launcher's, kept across exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")

peak = {"tree": 0.0, "worker": 0.0}
done = threading.Event()

def sample():  # RSS of this process and its workers every 50 ms (psutil, when installed); the
    # workers are listed once a second: listing them reads every process of the machine (1.3 ms),
    # 2.6 % of a core at every sample, which --jobs 2 (no core to spare) would pay
    try:
        import psutil
    except ImportError:
        return
    page, me, kids, n = os.sysconf("SC_PAGE_SIZE"), psutil.Process(), [], 0

    def rss(pid):  # resident bytes, from /proc (a tenth of psutil's cost)
        try:
            with open(f"/proc/{pid}/statm") as fh:
                return int(fh.read().split()[1]) * page
        except (OSError, IndexError, ValueError):  # a worker that ended
            return None

    while not done.wait(0.05):
        if n % 20 == 0:
            try:
                kids = [k.pid for k in me.children(recursive=True)]
            except psutil.Error:
                pass
        n += 1
        sizes = [r for r in map(rss, kids) if r is not None]
        peak["tree"] = max(peak["tree"], ((rss(me.pid) or 0) + sum(sizes)) / 2**20)
        peak["worker"] = max([peak["worker"]] + [k / 2**20 for k in sizes])

import extractor.batch as batch
write_tables, before_tables = batch._write_tables, {}

def timed_tables(*args, **kwargs):  # the parent's peak before the batch tables are assembled
    before_tables["mb"] = hwm_mb()
    return write_tables(*args, **kwargs)

batch._write_tables = timed_tables
threading.Thread(target=sample, daemon=True).start()
s = run_batch([sys.argv[1]], sys.argv[2], jobs=int(sys.argv[3]), force=True)
done.set()
kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, reaped
print(json.dumps({"workers_cpu": kids.ru_utime + kids.ru_stime, "documents": s.documents, "failures": len(s.failures), "elapsed": s.elapsed,
                  "tables": s.tables_elapsed, "fed": s.tables_fed_elapsed, "made": s.tables_made_cpu, "records": sum(s.records.values()),
                  "parent_mb": hwm_mb(), "extract_mb": before_tables.get("mb"), "tree_mb": peak["tree"], "worker_mb": peak["worker"]}))
"""


def cpu_ticks() -> Optional[tuple[int, int]]:
    """(all, stolen) CPU ticks of the machine so far (Linux ``/proc/stat``; None elsewhere): the
    hypervisor's steal is time the cores were ready to run and a shared host ran something else."""
    try:
        with open("/proc/stat") as fh:
            fields = [int(v) for v in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return sum(fields[:8]), (fields[7] if len(fields) > 7 else 0)


def batch(folder: Path, out: Path, jobs: int) -> dict:
    t0, ticks = time.perf_counter(), cpu_ticks()
    p = subprocess.run([sys.executable, "-c", _BATCH, str(folder), str(out), str(jobs)], cwd=ROOT,
                       capture_output=True, text=True, env=ENV)
    if p.returncode not in (0, 1):
        raise SystemExit(f"bench: batch failed ({p.returncode}): {p.stderr[-2000:]}")
    res = json.loads(p.stdout.strip().splitlines()[-1])
    res["wall"] = time.perf_counter() - t0
    after = cpu_ticks()
    res["steal_share"] = (after[1] - ticks[1]) / max(1, after[0] - ticks[0]) if ticks and after else None
    res["steal"] = f"{100 * res['steal_share']:.1f}%" if res["steal_share"] is not None else ""
    res["extract_cpu"] = res["workers_cpu"] - (res.get("made") or 0)  # the workers' CPU less the table rows they made
    return res


def batch_section(tmp: Path, sources: list[Path], docs: int, rounds: int = 2) -> tuple[str, str]:
    """(title, markdown table) of the batch runs: a small batch at --jobs 2, then ``docs``
    documents at --jobs 1 and 2, ``rounds`` times alternately (each mode's run with the least wall
    time is reported, every wall time listed: a shared machine's noise moves one run by 5-10 %);
    a mode none of whose runs had a quiet machine (the host's steal at most QUIET_STEAL of the
    cores: it takes more from --jobs 2, whose cores are both busy; and the documents' extraction
    at most QUIET_CPU more CPU than in the least run of either mode: the same work) runs again, at
    most QUIET_RETRIES times; memory of the parent before and after the batch tables."""
    small = max(10, docs // 5)
    make_batch(tmp / "batch", docs, sources)
    make_batch(tmp / "small", small, sources)
    runs = [(small, 2, batch(tmp / "small", tmp / "out_s", 2))]
    tried: dict[int, list[dict]] = {1: [], 2: []}

    def one_run(j: int) -> None:
        tried[j].append(batch(tmp / "batch", tmp / f"out{j}", j))

    def quiet(r: dict, least: float) -> bool:
        calm = r["steal_share"] is None or r["steal_share"] <= QUIET_STEAL
        return calm and r["extract_cpu"] <= (1 + QUIET_CPU) * least

    for _ in range(max(1, rounds)):
        for j in (1, 2):
            one_run(j)
    for _ in range(QUIET_RETRIES):
        least = min(r["extract_cpu"] for rs in tried.values() for r in rs)
        for j in (1, 2):
            if not any(quiet(r, least) for r in tried[j]):
                one_run(j)
    best = {j: min(rs, key=lambda r: r["wall"]) for j, rs in tried.items()}
    walls = {j: [f"{r['wall']:.1f} ({r['steal'] + ', ' if r['steal'] else ''}{r['extract_cpu']:.1f})" for r in rs]
             for j, rs in tried.items()}
    runs += [(docs, j, best[j]) for j in (1, 2)]
    one = runs[1][2]
    rows = [[n, j, r["documents"], r["failures"], r["wall"], r["elapsed"] - r["tables"], r.get("fed", ""),
             r.get("made", ""), r["tables"], n / r["wall"],
             f"{one['wall'] / r['wall']:.2f} / {(one['elapsed'] - one['tables']) / (r['elapsed'] - r['tables']):.2f}"
             if n == docs else "", f"{100 * r['tables'] / r['wall']:.0f}% / {100 * (r['tables'] + r['fed']) / r['wall']:.0f}%",
             r["extract_mb"], r["parent_mb"], r["worker_mb"] or "", r["tree_mb"],
             " / ".join(walls[j]) if n == docs else ""]
            for n, j, r in runs]
    mix = ", ".join(sorted({p.suffix for p in sources}))
    body = table(["documents", "jobs", "ok", "failed", "wall s", "extract s", "of which table rows fed s (parent)",
                  "table rows made in workers (CPU s)", "tables s (assembled at the end)", "docs/s (wall)",
                  "speed-up wall / extract", "tables share of wall (end / end + fed)", "parent peak MB before tables",
                  "parent peak MB", "worker peak MB", "all processes peak MB",
                  "wall s of each round (the host's steal of the cores meanwhile, the documents' extraction CPU s)"], rows)
    return f"Batch of copies ({mix}) with --jobs N on {os.cpu_count()} cores", body


def batch_sources(tmp: Path) -> list[Path]:
    pdfs, docxs, _ = fixtures(tmp)
    return sorted(CORPORA.glob("*.txt")) + pdfs + docxs


def replace_section(output: Path, title: str, block: str) -> None:
    """Put ``block`` in place of the section of ``output`` whose title starts with ``title``
    (appended when there is none); the other sections are kept."""
    text = output.read_text(encoding="utf-8") if output.exists() else ""
    start = text.find(f"## {title}")
    if start < 0:
        text = text + ("\n" if text else "") + block
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + block + (text[end + 1:] if end >= 0 else "")
    output.write_text(text, encoding="utf-8")


def batch_only(docs: int, output: Path, rounds: int) -> None:
    """Run only the batch section and put it in place of the one in ``output``."""
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        title, body = batch_section(tmp, batch_sources(tmp), docs, rounds)
    block = f"## {title}\n\n{load_note()}\n\n{body}\n"
    print(block)
    replace_section(output, "Batch of copies", block)
    print(f"written: {output} (batch section, --docs {docs})")


def pdf_only(baseline: Optional[str], rounds: int, output: Path) -> None:
    """Run only the PDF and .docx section and put it in place of the one in ``output``."""
    command = "`.venv/bin/python bench/run.py --pdf-only" + (f" --baseline {baseline}" if baseline else "") + \
        (f" --rounds {rounds}" if rounds != 2 else "") + "`"
    started = load_note()
    with baseline_tree(baseline) as base, tempfile.TemporaryDirectory() as tmp_name:
        pdfs, docxs, origin = fixtures(Path(tmp_name))
        body = formats_section({"planx": ROOT, "baseline": base}, pdfs, docxs, origin, rounds)
    block = (f"## {_FORMATS}\n\nCommand: {command} · {time.strftime('%Y-%m-%d %H:%M')} · {started} at the "
             f"start; {load_note()} when the section ended.\n\n{body}\n")
    print(block)
    replace_section(output, _FORMATS, block)
    print(f"written: {output} (PDF and .docx section)")


# ── report ───────────────────────────────────────────────────────────────────────────

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=1000, help="documents in the scaling batch (0: no batch section)")
    ap.add_argument("--baseline", metavar="REV", help="also measure the planx of this commit (a temporary worktree)")
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds: of planx and baseline, and of the batch's --jobs 1 and 2 (default 2)")
    ap.add_argument("--timeout", type=float, default=300, help="seconds before a baseline input is given up")
    ap.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--batch-only", action="store_true", help="run only the batch section")
    ap.add_argument("--pdf-only", action="store_true", help="run only the PDF and .docx section")
    args = ap.parse_args()
    if args.batch_only:
        batch_only(args.docs, Path(args.output), args.rounds)
        return
    if args.pdf_only:
        pdf_only(args.baseline, args.rounds, Path(args.output))
        return
    sections: list[str] = []

    def emit(title: str, body: str) -> None:
        block = f"## {title}\n\n{load_note()} when the section ended.\n\n{body}\n"
        print(block, flush=True)
        sections.append(block)

    started = load_note()
    with baseline_tree(args.baseline) as base, tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        trees = {"planx": ROOT, "baseline": base}
        pdfs, docxs, origin = fixtures(tmp)
        emit("Start-up (wall seconds)", startup(trees, max(pdfs, key=lambda p: p.stat().st_size), docxs))
        seeds = sorted(CORPORA.glob("*.txt"))
        body, seeds_fig = seeds_section(trees, SEED_ROUNDS * args.rounds)
        emit(f"Five seed documents, corpora/*.txt ({sum(p.stat().st_size for p in seeds) / 2**20:.2f} MB), "
             "one core, in-process, work after start-up", body)
        body, curve_fig = curve_section(trees, text_inputs(tmp), args.rounds, args.timeout)
        emit("Size curve and pathological texts (one document each, work after start-up)", body)
        emit(_FORMATS, formats_section(trees, pdfs, docxs, origin))
        emit("Published formats: .doc, .html, .ofd, scanned PDF (OCR) against their raw tools", published.section())
        if args.docs:
            emit(*batch_section(tmp, batch_sources(tmp), args.docs, args.rounds))
    command = "`.venv/bin/python bench/run.py" + (f" --docs {args.docs}" if args.docs != 1000 else "") + \
        (f" --baseline {args.baseline}" if args.baseline else "") + "`"
    head = (f"# planx benchmark results\n\nCommand: {command} · {time.strftime('%Y-%m-%d %H:%M')} · "
            f"Python {platform.python_version()} · {os.cpu_count()} cores · {platform.machine()} · "
            f"{started} at the start\n\n")
    Path(args.output).write_text(head + "\n".join(sections), encoding="utf-8")
    print(f"written: {args.output}")
    print(json.dumps({**seeds_fig, **curve_fig}))


if __name__ == "__main__":
    main()
