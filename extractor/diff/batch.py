"""``planx diff OLD_DIR NEW_DIR``: pair the documents of two folders by title and region (a
one-to-one assignment), diff each pair into its own report, and write an index page that lists
the pairs, the documents left unpaired, and the inputs that could not be read."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Optional

from ..errors import PlanxError
from ..evidence import evidence, file_sha256, input_evidence
from ..files import atomic_write_text
from ..inputs import collect_inputs
from ..records import DocumentInfo, ExtractResult, to_json
from .align import assign
from .engine import compare
from .load import load_sides
from .normalise import clean
from .relate import comparable_title
from .render_html import CSS
from ..labels import direction_label
from .text import matters
from .write import write_report

PAIR_MIN_TITLE = 0.6  # title similarity (0..1) below which two documents are not paired


@dataclass
class Side:
    path: Path
    doc: ExtractResult

    @property
    def info(self) -> DocumentInfo:
        return self.doc.document


@dataclass
class FolderDiff:
    """What a folder diff did: pairs with their report files, unpaired documents, failures."""

    index: Path
    pairs: list[dict] = field(default_factory=list)
    unpaired_old: list[str] = field(default_factory=list)
    unpaired_new: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(p["changes"] for p in self.pairs)

    def line(self) -> str:
        changed = sum(1 for p in self.pairs if p["changes"])
        return (f"{len(self.pairs)} pair(s) compared, {changed} with changes; unpaired: "
                f"{len(self.unpaired_old)} old, {len(self.unpaired_new)} new; {len(self.failures)} failed")


def _load(folders: list[Path], failures: list[str]) -> list[list[Side]]:
    """Every readable input of each folder (the documents of all extracted together); a JSON
    that is the extraction of a source present in the same folder (same sha256) is not counted twice."""
    files = [collect_inputs([folder], results=True).files for folder in folders]
    loaded = iter(load_sides([p for found in files for p in found]))
    out = []
    for found in files:
        sides = []
        for p in found:
            got = next(loaded)
            if isinstance(got, PlanxError):
                failures.append(str(got))
            else:
                sides.append(Side(p, got))
        sources = {file_sha256(s.path) for s in sides if s.path.suffix.lower() != ".json"}
        out.append([s for s in sides if s.path.suffix.lower() != ".json" or s.info.sha256 not in sources])
    return out


def pair_documents(olds: list[Side], news: list[Side]) -> list[tuple[int, int]]:
    """One-to-one pairs by title similarity, with agreeing region and plan type as bonuses; a
    different region or a title similarity under ``PAIR_MIN_TITLE`` never pairs."""
    import numpy as np
    from rapidfuzz import fuzz

    score = np.zeros((len(olds), len(news)))
    accept = np.zeros((len(olds), len(news)), bool)
    for i, o in enumerate(olds):
        for j, n in enumerate(news):
            a, b = comparable_title(o.info.title), comparable_title(n.info.title)
            title = fuzz.ratio(a, b) / 100.0 if a and b else 0.0
            ra, rb = clean(o.info.region or ""), clean(n.info.region or "")
            ta, tb = clean(o.info.plan_type or ""), clean(n.info.plan_type or "")
            region_ok = not (ra and rb and ra != rb)
            score[i, j] = title + 0.2 * (ra == rb != "") + 0.1 * (ta == tb != "")
            accept[i, j] = region_ok and title >= PAIR_MIN_TITLE
    return assign(score, accept)


def _name(side: Side) -> str:
    return side.info.doc_id or side.path.stem


def diff_folders(old_dir: Path, new_dir: Path, out: Path) -> FolderDiff:
    """Pair, diff and report; the reports and ``index.html``/``index.json`` go to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    summary = FolderDiff(out / "index.html")
    olds, news = _load([old_dir, new_dir], summary.failures)
    pairs = pair_documents(olds, news)
    used = set()
    for i, j in pairs:
        o, n = olds[i], news[j]
        stem = f"{_name(o)}__{_name(n)}"
        while stem in used:
            stem += "_"
        used.add(stem)
        try:
            result = compare(o.doc, n.doc)
            result.evidence["inputs"] = [input_evidence(o.path, to_json(o.info)),
                                         input_evidence(n.path, to_json(n.info))]
            for fmt in ("html", "json"):
                write_report(result, fmt, out / f"{stem}.{fmt}")
        except (PlanxError, ValueError) as e:
            summary.failures.append(f"{o.path} ↔ {n.path}: {e}")
            continue
        s = result.summary()

        summary.pairs.append({"old": str(o.path), "new": str(n.path), "old_title": o.info.title,
                              "new_title": n.info.title, "report": f"{stem}.html", "json": f"{stem}.json",
                              "changes": s["total"], "by_direction": s["by_direction"],
                              "matters": len(matters(result)), "related": result.relation.get("related", True),
                              "reasons": result.relation.get("reasons", [])})
    paired_o, paired_n = {i for i, _ in pairs}, {j for _, j in pairs}
    summary.unpaired_old = [str(s.path) for k, s in enumerate(olds) if k not in paired_o]
    summary.unpaired_new = [str(s.path) for k, s in enumerate(news) if k not in paired_n]

    ev = evidence([{"path": str(old_dir.resolve())}, {"path": str(new_dir.resolve())}])
    data = {"evidence": ev, "pairs": summary.pairs, "unpaired_old": summary.unpaired_old,
            "unpaired_new": summary.unpaired_new, "failures": summary.failures}
    atomic_write_text(out / "index.json", json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    atomic_write_text(summary.index, _index_html(data, old_dir, new_dir))
    return summary


def _index_html(data: dict, old_dir: Path, new_dir: Path) -> str:
    def e(x: Optional[object]) -> str:
        return escape(str(x if x is not None else ""), quote=True)

    rows = []
    for p in data["pairs"]:
        dirs = "".join(f'<span class="chip d-{e(d)}">{e(direction_label(d))} {n}</span>'
                       for d, n in p["by_direction"].items())
        warn = (f'<br><span class="banner" role="note">unrelated? {e("; ".join(p["reasons"]))}</span>'
                if not p["related"] else "")
        rows.append(f'<tr><td><a href="{e(p["report"])}">{e(p["old_title"])}<br>→ {e(p["new_title"])}</a>{warn}</td>'
                    f'<td>{e(Path(p["old"]).name)}<br>{e(Path(p["new"]).name)}</td><td class="n">{p["changes"]}</td>'
                    f'<td class="n">{p["matters"]}</td><td>{dirs}</td><td><a href="{e(p["json"])}">json</a></td></tr>')

    def listing(title: str, items: list[str], ident: str) -> str:
        if not items:
            return ""
        return f'<h2 id="{ident}">{e(title)} ({len(items)})</h2><ul>' + "".join(f"<li>{e(x)}</li>" for x in items) + "</ul>"

    ev = data["evidence"]
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>planx diff: {e(old_dir.name)} → {e(new_dir.name)}</title><style>{CSS}</style></head><body>"
            f"<h1>planx diff: {e(old_dir)} → {e(new_dir)}</h1>"
            f'<p class="muted">planx {e(ev["planx_version"])} · pattern library sha256 <code>{e(ev["patterns_sha256"])}'
            f'</code> · generated {e(ev["generated_at"])} (UTC)</p>'
            f'<h2>配对 Pairs ({len(data["pairs"])})</h2><table id="pairs"><thead><tr><th>documents (old → new)</th>'
            '<th>files</th><th>changes</th><th>what matters</th><th>directions</th><th></th></tr></thead><tbody>'
            f'{"".join(rows)}</tbody></table>'
            f'{listing("未配对（旧） Unpaired old documents", data["unpaired_old"], "unpaired-old")}'
            f'{listing("未配对（新） Unpaired new documents", data["unpaired_new"], "unpaired-new")}'
            f'{listing("无法读取 Failed inputs", data["failures"], "failures")}</body></html>\n')
