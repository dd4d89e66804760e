"""The registered pipeline: components by name, ordered and switched by ``patterns/pipeline.toml``,
checked when the file is loaded, and errors reported per component."""
from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from extractor import audit, catalogue, metadata, patterns, records, structure, tables
from extractor.cli import main
from extractor.errors import PatternFileError, PlanxError
from extractor.jobs import Job, run_job
from extractor.language import dates
from extractor.links import link
from extractor.pipeline import ComponentError, Pipeline, PlanDoc, configured, extract, extract_document, registered
from extractor.pipeline import in_reading_order
from extractor.pipeline.registry import ConfigProblem, component, unregister
from extractor.readers import read
from extractor.records import RECORD_KINDS, ExtractResult
from extractor.structure import sections
from extractor.text import deadlines, prose, responsibilities, targets

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "patterns"
CORPORA = sorted((ROOT / "corpora").glob("*.txt"))
DOC = CORPORA[0]
SHIPPED = tomllib.loads((LIBRARY / "pipeline.toml").read_text(encoding="utf-8"))["pipeline"]["components"]


def _clear() -> None:
    for cache in (patterns.load, patterns.load_words, patterns.compiled, patterns.compiled_plain):
        cache.cache_clear()


@pytest.fixture()
def pipeline_file(tmp_path: Path, monkeypatch):
    """``write(names)``: a user's pipeline.toml listing ``names`` in force through ``$PLANX_PATTERNS``
    (the other pattern files are the shipped ones); returns its path."""
    folder = tmp_path / "patterns"
    folder.mkdir()
    monkeypatch.setenv("PLANX_PATTERNS", str(folder))

    def write(names: list[str]) -> Path:
        path = folder / "pipeline.toml"
        path.write_text("[pipeline]\ncomponents = [" + ", ".join(f'"{n}"' for n in names) + "]\n", encoding="utf-8")
        _clear()
        return path

    yield write
    monkeypatch.delenv("PLANX_PATTERNS")
    _clear()


@pytest.fixture(scope="module")
def full() -> dict[str, dict]:
    """Each corpus document's JSON from the shipped pipeline."""
    return {p.name: extract(p).to_dict() for p in CORPORA}


def _by_hand(path: Path) -> ExtractResult:
    """The stages called one after another, as ``extract_document`` did before the pipeline
    (commit dbfeff6): the reference the pipeline must reproduce byte for byte."""
    doc = read(path)
    struct = structure.build(doc)
    info = metadata.extract_document_info(doc, struct)
    result = ExtractResult(document=info, sections=struct.sections, tasks=struct.tasks)
    found = tables.extract_records(doc, struct, info)
    result.indicators, result.projects, result.tables = found.indicators, found.projects, found.tables
    catalogue.annotate(result.indicators)
    rows = found.task_tables
    result.tasks = in_reading_order(result.tasks, [(t.at, t.tasks) for t in rows], "task")
    result.responsibilities = in_reading_order(
        responsibilities.extract(doc, struct), [(t.at, t.responsibilities) for t in rows], "resp")
    text = prose.read(doc, info)
    result.deadlines = in_reading_order(
        deadlines.extract(doc, struct, info, text), [(t.at, t.deadlines) for t in rows], "ddl")
    result.targets = targets.extract(doc, struct, info, text)
    link(result, doc, struct, rows)
    result.findings = audit.run(result, doc)
    return result


# ── the registry and the shipped configuration ──────────────────────────────────────────

def test_the_shipped_pipeline_is_the_configured_one_and_every_component_is_listed():
    assert configured().names == SHIPPED
    assert set(SHIPPED) == set(registered())  # a registered component nobody lists is dead code


def test_each_component_requires_only_what_an_earlier_one_assigns():
    assigned: set[str] = set()
    for c in configured().components:
        assert set(c.requires) <= assigned, c.name
        assigned |= set(c.assigns)
    kinds = {*RECORD_KINDS, "tables", "document"}
    assert kinds <= assigned  # every record kind of the output has its component (a new kind: a new component)


@pytest.mark.parametrize("path", CORPORA, ids=lambda p: p.name[:3])
def test_the_pipeline_gives_the_json_the_stages_called_by_hand_gave(path: Path, full):
    assert json.dumps(full[path.name], ensure_ascii=False) == json.dumps(_by_hand(path).to_dict(), ensure_ascii=False)


def test_the_order_rules():
    def of(*names: str) -> str:
        with pytest.raises(ConfigProblem) as e:
            Pipeline.of(list(names))
        return str(e.value)

    assert of("structure", "nonsense").startswith("unknown component 'nonsense' (known: audit, catalogue, ")
    assert of("structure", "structure") == "component 'structure' is listed twice"
    assert of("structure", "metadata", "deadlines", "prose") == \
        "component 'deadlines' requires 'prose', but 'prose' assigns it after it"
    assert of("structure", "targets") == "component 'targets' requires 'years', but no component before it assigns it"
    assert of("structure", "metadata", "prose", "deadlines", "tables") == \
        "component 'deadlines' reads 'table_records', but 'tables' comes after it"
    assert of("structure", "audit", "metadata") == \
        "component 'audit' reads what every other component assigns, but 'metadata' comes after it"
    assert Pipeline.of(["structure", "links"]).names == ["structure", "links"]
    assert Pipeline.of([]).run(PlanDoc.of(read(DOC))).result.sections == []


# ── configuration from patterns/pipeline.toml ───────────────────────────────────────────

def test_a_disabled_component_leaves_its_kind_empty_and_the_others_as_they_were(pipeline_file, full):
    pipeline_file([n for n in SHIPPED if n != "targets"])
    got = extract(DOC).to_dict()
    want = full[DOC.name]
    assert want["targets"] and got["targets"] == []
    for kind in ("document", "sections", "tasks", "indicators", "projects", "tables", "responsibilities", "deadlines"):
        assert got[kind] == want[kind], kind


def test_without_tables_the_prose_records_stay_and_no_table_kind_is_made(pipeline_file, tmp_path: Path):
    names = [n for n in SHIPPED if n not in ("tables", "catalogue")]
    pipeline_file(names)
    doc = ROOT / "tests" / "fixtures" / "renditions" / "003_382c057b0d0a3343.docx"
    got = extract(doc).to_dict()
    assert got["tables"] == got["indicators"] == got["projects"] == []
    assert got["deadlines"] and got["targets"] and got["responsibilities"] and got["sections"]
    assert all(r["table_id"] is None for kind in ("deadlines", "targets", "responsibilities") for r in got[kind])


BAD = [
    (["structure", "metadata", "targts"], "unknown component 'targts' (known: audit, catalogue, deadlines, "
     "links, metadata, prose, responsibilities, structure, tables, targets)"),
    (["structure", "metadata", "deadlines", "prose"], "component 'deadlines' requires 'prose', but 'prose' assigns it after it"),
    (["metadata", "structure"], "component 'metadata' requires 'structure', but 'structure' assigns it after it"),
]


@pytest.mark.parametrize("names, cause", BAD, ids=["unknown", "requires-later", "requires-first"])
def test_a_bad_pipeline_is_one_line_naming_the_file_and_key(pipeline_file, tmp_path: Path, capsys, names, cause):
    path = pipeline_file(names)
    with pytest.raises(PatternFileError) as e:
        extract(DOC)
    assert str(e.value) == f"{path}: [pipeline] 'components': {cause}"
    code = main(["extract", str(DOC), "-o", str(tmp_path / "out"), "-q"])
    assert code == 2
    assert capsys.readouterr().err.splitlines() == [f"planx: {path}: [pipeline] 'components': {cause}"]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.json"))


def test_a_pipeline_file_without_the_key_is_refused_by_its_declaration(pipeline_file, tmp_path: Path):
    path = pipeline_file([])
    path.write_text("[pipeline]\nstages = []\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "cli.py"), "extract", str(DOC), "-o", str(tmp_path / "o")],
                         capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "PLANX_PATTERNS": str(path.parent)})
    assert run.returncode == 2
    assert run.stderr == f"planx: {path}: [pipeline] missing key 'components'\n"


# ── errors per component ──────────────────────────────────────────────────────────────────

def test_a_failing_component_is_one_line_naming_the_file_and_the_component(monkeypatch, tmp_path: Path):
    def broken(*args, **kwargs):
        raise KeyError("subject")

    monkeypatch.setattr(targets, "extract", broken)
    with pytest.raises(ComponentError) as e:
        extract(DOC)
    assert str(e.value) == f"{DOC}: component 'targets' failed: internal error (KeyError: 'subject')"
    assert e.value.component == "targets" and e.value.internal
    out = run_job(Job(DOC, "doc"))  # a batch reports it as its error, marked internal (a bug, not the input)
    assert out.error == str(e.value) and out.internal and out.json_text is None


def test_a_bad_input_error_inside_a_component_stays_a_bad_input_error(monkeypatch):
    def refuses(*args, **kwargs):
        raise PlanxError(DOC, "the table on page 3 has 5000 columns")

    monkeypatch.setattr(tables, "extract_records", refuses)
    with pytest.raises(PlanxError) as e:
        extract(DOC)
    assert type(e.value) is PlanxError and not getattr(e.value, "internal", False)
    out = run_job(Job(DOC, "doc"))
    assert out.error == f"{DOC}: the table on page 3 has 5000 columns" and not out.internal


def test_a_component_that_does_not_assign_what_it_declares_is_its_failure():
    @component("test-forgetful", requires=("structure",), assigns=("prose",))
    def forgetful(plan: PlanDoc) -> PlanDoc:
        return plan

    try:
        with pytest.raises(ComponentError, match=r"component 'test-forgetful' failed: internal error "
                                                 r"\(RuntimeError: it did not assign prose\)"):
            extract_document(read(DOC), pipeline=Pipeline.of(["structure", "test-forgetful"]))
    finally:
        unregister("test-forgetful")


def test_the_components_run_without_the_cycle_collector_which_resumes_after():
    """extract_document pauses the garbage collector (its passes over the growing heap cost a long
    document more than its size) and leaves it as it found it, after a failure too."""
    seen, fail = [], []

    @component("test-gc", requires=("structure",), assigns=("gc",))
    def probe(plan: PlanDoc) -> PlanDoc:
        seen.append(gc.isenabled())
        if fail:
            raise KeyError("x")
        plan.other["gc"] = True
        return plan

    pipeline, doc = Pipeline.of(["structure", "test-gc"]), read(DOC)
    try:
        assert gc.isenabled()
        result = extract_document(doc, pipeline=pipeline)
        assert seen == [False] and gc.isenabled() and result.sections
        fail.append(True)
        with pytest.raises(ComponentError):
            extract_document(doc, pipeline=pipeline)
        assert seen == [False, False] and gc.isenabled()
        gc.disable()  # a caller that turned it off finds it off
        with pytest.raises(ComponentError):
            extract_document(doc, pipeline=pipeline)
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
        unregister("test-gc")


def test_a_new_component_is_registered_listed_and_run(pipeline_file):
    """A new step: one registered function and its name in pipeline.toml."""
    @component("test-counts", requires=("structure",), reads=("tasks",), assigns=("counts",))
    def counts(plan: PlanDoc) -> PlanDoc:
        plan.other["counts"] = {"sections": len(plan.result.sections), "tasks": len(plan.result.tasks)}
        return plan

    try:
        pipeline_file([*SHIPPED[:3], "test-counts", *SHIPPED[3:]])
        plan = configured().run(PlanDoc.of(read(DOC)))
        assert plan.other["counts"] == {"sections": len(plan.result.sections), "tasks": len(plan.result.tasks)} != {}
        pipeline_file(["structure", "test-counts", "tables"])
        with pytest.raises(PatternFileError, match="component 'test-counts' reads 'tasks', but 'tables' comes after it"):
            configured()
    finally:
        unregister("test-counts")


# ── shared annotations, computed once ────────────────────────────────────────────────────

def test_headings_are_classified_by_the_structure_component_only(monkeypatch):
    """text/responsibilities reads the structure's run-in headings instead of classifying again."""
    calls = []
    real = sections.classify
    monkeypatch.setattr(sections, "classify", lambda b: calls.append(b.index) or real(b))
    doc = read(DOC)
    Pipeline.of(["structure"]).run(PlanDoc.of(doc))
    alone = list(calls)
    calls.clear()
    configured().run(PlanDoc.of(doc))
    assert alone and calls == alone


def test_the_years_are_decided_once_by_metadata(monkeypatch):
    calls = []
    real = dates.YearContext.from_info.__func__
    monkeypatch.setattr(dates.YearContext, "from_info", classmethod(lambda cls, *a: calls.append(1) or real(cls, *a)))
    doc = read(DOC)
    plan = configured().run(PlanDoc.of(doc))
    assert calls == [1] and plan.years is not None
    period = plan.result.document.plan_period
    assert (plan.years.plan_start, plan.years.plan_end) == (period.start, period.end)
    assert plan.years == real(dates.YearContext, plan.result.document)


def test_the_audit_selection_reaches_the_audit_component(full):
    doc = read(DOC)
    checks = {f["check"] for f in full[DOC.name]["findings"]}
    assert len(checks) >= 2
    one = sorted(checks)[0]
    assert {f.check for f in extract_document(doc, only=[one]).findings} == {one}
    assert one not in {f.check for f in extract_document(doc, skip=[one]).findings}


def test_planx_extract_reports_a_failing_component_in_one_line_and_goes_on(monkeypatch, tmp_path: Path, capsys):
    """Through the CLI and its supervised (forked) worker: the document's one line, the others extracted."""
    from extractor.engines import supervisor

    monkeypatch.setattr(supervisor, "_can_fork", lambda: hasattr(__import__("os"), "fork"))
    real = targets.extract

    def fails_on_000(doc, *args, **kwargs):
        if doc.doc_id.startswith("000"):
            raise KeyError("subject")
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(targets, "extract", fails_on_000)
    folder = tmp_path / "in"
    folder.mkdir()
    for p in CORPORA[:2]:
        shutil.copy(p, folder / p.name)
    code = main(["extract", str(folder), "-o", str(tmp_path / "out"), "-q", "-j", "1"])
    err = capsys.readouterr().err
    bad = folder / CORPORA[0].name
    assert code == 1
    assert [line for line in err.splitlines() if "component" in line] == [
        f"error: {bad}: component 'targets' failed: internal error (KeyError: 'subject')"]
    assert "Traceback" not in err
    assert (tmp_path / "out" / f"{CORPORA[1].stem}.json").is_file()
    assert not (tmp_path / "out" / f"{CORPORA[0].stem}.json").exists()


def test_a_results_json_form_is_built_without_the_cycle_collector():
    """to_json pauses the collector too (its dicts set off full passes over the whole result) and
    leaves it on; the JSON is the same."""
    result = extract_document(read(DOC))
    seen = []
    real = records.to_json

    def spy(obj):
        seen.append(gc.isenabled())
        return real(obj)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(records, "to_json", spy)
        data = result.to_json()
    assert seen and not any(seen) and gc.isenabled()
    assert data == result.to_json() and ExtractResult.from_json(data) == result


@pytest.mark.skipif(sys.version_info < (3, 11), reason="before 3.11 a call makes a frame object: a pause's end allocates")
def test_writing_each_result_and_letting_it_go_starts_no_collection(tmp_path: Path):
    """extract → to_dict → write_document_json, document after document: no automatic collection
    walks a result or its JSON form (each pause ends allocating nothing, the next begins before
    allocating, and the objects go by reference counting), where two passes a document walked
    them (1 % of the seeds' time, 2 % of a 16× document's); the JSON is the same."""
    from extractor.writers.jsonfile import write_document_json

    for path in CORPORA:
        write_document_json(extract(path).to_dict(), tmp_path / "first")
    passes: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            passes.append(info["generation"])

    again = tmp_path / "again"  # (made before: an allocation between to_dict and the write starts a pass)
    gc.callbacks.append(count)
    try:
        for path in CORPORA:
            write_document_json(extract(path).to_dict(), again)
    finally:
        gc.callbacks.remove(count)
    assert passes == []
    assert all((again / p.name).read_bytes() == p.read_bytes()
               for p in (tmp_path / "first").iterdir())


def test_pauses_nest_and_leave_the_collector_as_they_found_it():
    from extractor.collector import collector_paused, pause, resume

    assert gc.isenabled()
    with collector_paused():
        inner = pause()
        with collector_paused():
            assert not gc.isenabled()
        resume(inner)
        assert inner is False and not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # off before: off after
    finally:
        gc.enable()
    with pytest.raises(KeyError), collector_paused():
        raise KeyError("x")
    assert gc.isenabled()


class _Node:
    pass


def _leave_a_garbage_cycle(probes: list) -> None:
    """Garbage only the cycle collector frees (an object referring to itself), a weak reference
    to it added to ``probes``."""
    import weakref

    cycle = _Node()
    cycle.me = cycle
    probes.append(weakref.ref(cycle))


def _collected_by_ordinary_work(probes: list) -> bool:
    """True when the objects ``probes`` (weak references) point to are gone after some ordinary
    work, in which the automatic collections run."""
    for _ in range(200):
        junk = [[_Node() for _ in range(50)] for _ in range(20)]
        del junk
        if not any(p() for p in probes):
            return True
    return False


def test_cyclic_garbage_is_collected_as_ever_after_extraction():
    """The pause leaves the collector's counts as they are: garbage cycles left by a reader or a
    library (pdf and docx readers make them) go with the next automatic collections, so a worker
    that extracts document after document stays flat (a freeze/unfreeze after the pause once hid
    them from full collections)."""
    doc, probes = read(DOC), []
    for _ in range(3):
        _leave_a_garbage_cycle(probes)
        extract_document(doc).to_json()
    assert _collected_by_ordinary_work(probes)


@pytest.mark.parametrize("source", [DOC, ROOT / "tests/fixtures/renditions/000_71534264ba41b2d2.docx",
                                    ROOT / "tests/fixtures/variants/a/004_061c6bf53607da0b.pdf",
                                    ROOT / "tests/fixtures/formats/002_6d72280123f25383.html"],
                         ids=lambda p: Path(p).suffix)
def test_a_document_model_goes_by_reference_counting_alone(source: Path):
    """What the pause over a document's life rests on: with the collector off throughout, the
    document model a reader builds is freed as soon as extraction is done with it, for every
    reader, so no pass needs to walk it."""
    import weakref

    from extractor import pipeline

    models = []

    def spy(path, doc_id=None):
        doc = read(path, doc_id)
        models.append(weakref.ref(doc))
        return doc

    gc.disable()
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(pipeline, "read", spy)
            result = extract(source)
        assert result.sections and len(models) == 1 and models[0]() is None
    finally:
        gc.enable()


def test_extract_holds_the_collector_from_reading_to_records_and_leaves_reader_cycles_to_it(monkeypatch):
    """extract pauses the collector over the read too (the model is not walked after it), resumes
    it after, also on a failure, and a reader's cyclic garbage goes with the next collections."""
    from extractor import pipeline

    seen, probes, fail = [], [], []

    def spy(path, doc_id=None):
        seen.append(gc.isenabled())
        _leave_a_garbage_cycle(probes)
        if fail:
            raise PlanxError(path, "unreadable")
        return read(path, doc_id)

    monkeypatch.setattr(pipeline, "read", spy)
    assert extract(DOC).sections and gc.isenabled()
    fail.append(True)
    with pytest.raises(PlanxError):
        extract(DOC)
    assert seen == [False, False] and gc.isenabled()
    assert _collected_by_ordinary_work(probes)


def test_a_batch_job_runs_without_the_collector_to_its_table_rows_and_resumes_it(monkeypatch):
    """run_job holds the pause from the read to the document's table rows (its result goes before
    the collector resumes), and resumes it after a failed document too."""
    from extractor import jobs

    seen = []

    def rows(result: ExtractResult) -> str:
        seen.append(gc.isenabled())
        return f"{result.document.doc_id}: {len(result.targets)} targets"

    out = run_job(Job(DOC, "doc", tables=True), rows)
    assert seen == [False] and gc.isenabled()
    assert out.error is None and out.tables == f"doc: {out.counts['targets']} targets"
    assert json.loads(out.json_text)["document"]["doc_id"] == "doc"

    def broken(job: Job) -> ExtractResult:
        seen.append(gc.isenabled())
        raise KeyError("x")

    monkeypatch.setattr(jobs, "extract_one", broken)
    out = run_job(Job(DOC, "doc", tables=True), rows)
    assert seen == [False, False] and gc.isenabled() and out.internal and out.json_text is None


def test_a_result_is_read_from_its_json_at_the_one_boundary():
    """ExtractResult.of: a result stays itself, its JSON dict becomes the same records, and a
    dict that is not a planx extraction is a ValueError (the writers and the diff take both)."""
    result = extract_document(read(DOC))
    assert ExtractResult.of(result) is result
    assert ExtractResult.of(result.to_json()) == result
    for bad in ({}, {"document": "x"}, [1]):
        with pytest.raises(ValueError, match="not a planx extraction"):
            ExtractResult.of(bad)
