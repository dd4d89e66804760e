"""The spaCy extra: a real pipeline component "planx", found through spaCy's entry points,
putting planx's spans on a Doc of ``spacy.blank("zh")`` (no model download)."""
from __future__ import annotations

import json
import subprocess
import sys
import tomllib

import pytest

from conftest import CORPORA, ROOT

pytest.importorskip("spacy")

SCRIPT = """
import json, sys, spacy
nlp = spacy.blank("zh")
nlp.add_pipe("planx")          # registered by planx's entry point: nothing of planx imported here
doc = nlp(open(sys.argv[1], encoding="utf-8").read())
print(json.dumps({"spans": [[s.start_char, s.end_char, s.label_, s.kb_id_, s.text] for s in doc.spans["planx"]],
                  "records": {k: len(v) for k, v in doc._.planx.items() if isinstance(v, list)},
                  "text": doc.text}, ensure_ascii=False))
"""


def test_spacy_blank_zh_gets_planx_spans_through_the_entry_point():
    source = CORPORA / "004_061c6bf53607da0b.txt"
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(source)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    labels = {label for _, _, label, _, _ in got["spans"]}
    assert {"DEADLINE", "DATE", "RESPONSIBILITY", "UNIT"} <= labels
    assert got["records"]["deadlines"] == 14 and got["records"]["responsibilities"] == 11
    for start, end, label, kb, text in got["spans"]:
        assert got["text"][start:end] == text  # spans sit on the words planx found
        if label == "DATE":
            assert kb[:4].isdigit()
    units = [(text, kb) for _, _, label, kb, text in got["spans"] if label == "UNIT"]
    assert units and all(kb for _, kb in units)


def test_the_core_install_does_not_pull_spacy():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(d.lower().startswith("spacy") for d in project["dependencies"])
    assert project["optional-dependencies"]["spacy"] == ["spacy>=3.7"]
    assert project["entry-points"]["spacy_factories"]["planx"] == "extractor.spacy_component:make_planx"
    run = subprocess.run([sys.executable, "-X", "importtime", "-c",
                          f"from extractor import extract; extract({str(CORPORA / '004_061c6bf53607da0b.txt')!r})"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and "| spacy" not in run.stderr


def test_the_spacy_component_runs_the_components_it_is_configured_with():
    """The same registered pipeline: ``config={"components": […]}`` picks planx's components; an
    unknown one is refused when the pipe is added."""
    script = SCRIPT.replace('nlp.add_pipe("planx")',
                            'nlp.add_pipe("planx", config={"components": ["structure", "metadata", "prose", "deadlines"]})')
    source = CORPORA / "004_061c6bf53607da0b.txt"
    run = subprocess.run([sys.executable, "-c", script, str(source)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    assert {label for _, _, label, _, _ in got["spans"]} == {"DEADLINE", "DATE"}
    assert got["records"]["deadlines"] == 14 and got["records"]["responsibilities"] == 0
    bad = SCRIPT.replace('nlp.add_pipe("planx")', 'nlp.add_pipe("planx", config={"components": ["structure", "dates"]})')
    run = subprocess.run([sys.executable, "-c", bad, str(source)], capture_output=True, text=True, timeout=300)
    assert run.returncode != 0 and "unknown component 'dates'" in run.stderr
