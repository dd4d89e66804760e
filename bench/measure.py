"""One measurement run in a fresh process, for bench/run.py: the planx of one source tree
(this one, or a baseline commit checked out elsewhere) extracts a list of inputs.

    python bench/measure.py TREE SPEC.json     # prints one JSON object

SPEC: {"warm": [path, …], "runs": [{"label", "path", "repeats", "times", "timeout"}, …], "floor": {"pattern",
"paths", "passes"}}.  With "floor", the process first times that many passes of one compiled
``regex`` pattern over the files' text, decoding included, and again after the runs: the least
CPU seconds of a pass is reported as the run labelled "floor" (the floor of a text tool, measured
in the same process and moments as planx).  Every input is
extracted ``repeats`` times after the warm-up; the pass with the least CPU time is reported: its
CPU seconds (``cpu``: all stages plus writing the JSON; robust to the load of a shared machine),
CPU seconds per stage, wall seconds (``total``), and the first pass's CPU seconds (``first_cpu``).
A pass of a run with ``times`` extracts its input that many times in a row and reports the
figures of one extraction (its sums divided by ``times``): the size curve measures every size over
the same amount of text, so that a short pass's better odds of a quiet moment on a shared machine
do not weigh on one term of a ratio only.  A run whose first pass exceeds ``timeout`` seconds is not repeated
and is reported as such.  Only what every planx version has is used: ``extractor.pipeline.extract``
with ``timings=``, ``ExtractResult.to_dict`` and ``writers.jsonfile.write_document_json`` (the
"write" stage: the document's JSON file as planx writes it).
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path


class _CpuClock:
    """Stands in for the ``time`` module in extractor.pipeline: its stage laps in CPU seconds."""

    perf_counter = staticmethod(time.process_time)


def _work(extract, write, path: str, out: Path) -> dict[str, float]:
    t: dict[str, float] = {}
    w0, c0 = time.perf_counter(), time.process_time()
    res = extract(path, timings=t)
    c1 = time.process_time()
    write(res.to_dict(), out)
    t["write"] = time.process_time() - c1
    t["cpu"] = time.process_time() - c0
    t["total"] = time.perf_counter() - w0
    return t


def _pass(extract, write, path: str, out: Path, times: int) -> dict[str, float]:
    """One pass: ``path`` extracted ``times`` times in a row; the figures of one extraction."""
    sums: dict[str, float] = {}
    for _ in range(times):
        for k, v in _work(extract, write, path, out).items():
            sums[k] = sums.get(k, 0.0) + v
    return {k: v / times for k, v in sums.items()}


def _floor(spec: dict) -> float:
    """CPU seconds of the quickest of ``passes`` passes of ``pattern`` over the ``paths``' text."""
    import regex

    rx = regex.compile(spec["pattern"])
    best = float("inf")
    for _ in range(spec["passes"]):
        c0 = time.process_time()
        for path in spec["paths"]:
            sum(1 for _ in rx.finditer(Path(path).read_bytes().decode("utf-8")))
        best = min(best, time.process_time() - c0)
    return best


def main() -> None:
    tree, spec = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    sys.path.insert(0, str(tree))
    import extractor.pipeline
    from extractor.pipeline import extract
    extractor.pipeline.time = _CpuClock  # the stage timings in CPU seconds
    from extractor.writers.jsonfile import write_document_json

    results = {}
    floor = _floor(spec["floor"]) if "floor" in spec else None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t0 = time.perf_counter()
        for path in spec.get("warm", []):
            _work(extract, write_document_json, path, out)
        results["_warm"] = {"total": time.perf_counter() - t0}
        for run in spec["runs"]:
            best, first = None, None
            for k in range(run.get("repeats", 1)):
                t = _pass(extract, write_document_json, run["path"], out, run.get("times", 1))
                first = first or t["cpu"]
                if best is None or t["cpu"] < best["cpu"]:
                    best = t
                if t["total"] > run.get("timeout", float("inf")):
                    best["timed_out"] = True
                    break
            best["first_cpu"] = first
            results[run["label"]] = best
            print(json.dumps({"progress": run["label"], "s": best["total"]}), file=sys.stderr, flush=True)
    if floor is not None:
        results["floor"] = {"cpu": min(floor, _floor(spec["floor"]))}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
