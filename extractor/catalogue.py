"""The indicator catalogue (``patterns/catalogue.toml``): one key and one polarity per indicator
across plans.

A row name is matched by its normalised form (NFKC, brackets, spaces and markers dropped)
against every catalogue name, synonym and group + name; failing that, by fuzzy similarity
(rapidfuzz ratio) or by a listed name contained in it — but never to an indicator that differs
in a distinguishing word ("下降", "幅度", "农村": "PM2.5浓度" is not "PM2.5浓度下降幅度").  :func:`annotate` sets ``canonical_id``,
``polarity`` and ``catalogue_score`` on indicator records; :func:`polarity_of` gives the
direction of improvement of any indicator (record, dict or name) for diff and audit.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Optional

from .language.normalise import nfkc
from .patterns import compiled, load

POLARITIES = ("higher_better", "lower_better", "qualitative")


@dataclass(frozen=True)
class Entry:
    """One catalogue indicator."""

    id: str
    name: str
    polarity: str
    unit: Optional[str] = None
    group: Optional[str] = None
    synonyms: tuple[str, ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()
    lists: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float  # 1.0 for a name the catalogue lists, else the fuzzy similarity (0–1)


@dataclass
class _Catalogue:
    entries: list[Entry]
    by_id: dict[str, Entry]
    keys: dict[str, Entry]  # normalised name → entry
    lists: list[dict] = field(default_factory=list)


def normalize(name: str) -> str:
    """A name as compared: NFKC, lower case, brackets, spaces, quotes and markers dropped."""
    s = nfkc(name or "").lower()
    return compiled(load("catalogue")["matching"]["drop"]).sub("", s)


@functools.lru_cache(maxsize=1)
def catalogue() -> _Catalogue:
    data = load("catalogue")
    entries = [Entry(d["id"], d["name"], d["polarity"], d.get("unit"), d.get("group"),
                     tuple(d.get("synonyms", [])), tuple(sorted(d.get("attributes", {}).items())),
                     tuple(d.get("lists", [])))
               for d in data["indicator"]]
    keys: dict[str, Entry] = {}
    for e in entries:
        names = [e.name, *e.synonyms]
        if e.group:
            names += [e.group + n for n in names]
        for n in names:
            keys.setdefault(normalize(n), e)
    return _Catalogue(entries, {e.id: e for e in entries}, keys, list(data["list"]))


def _distinct(key: str) -> tuple[bool, ...]:
    return tuple(compiled(w).search(key) is not None for w in load("catalogue")["matching"]["distinguishing_words"])


def _queries(name: str, group: Optional[str]) -> list[str]:
    """Normalised forms of a row name to look up: group + name, the name, the name without a
    trailing bracketed part ("林草覆盖率（山区）")."""
    out = []
    if group:
        out.append(normalize(group + name))
    out.append(normalize(name))
    head = compiled(r"^(.+?)[（(][^（）()]*[）)]$").match(name.strip())
    if head:
        out.append(normalize(head.group(1)))
    return [q for q in dict.fromkeys(out) if q]


def match(name: Optional[str], group: Optional[str] = None) -> Optional[Match]:
    """The catalogue indicator a row name (and its group) stands for, or None."""
    if not name:
        return None
    cat = catalogue()
    queries = _queries(name, group)
    for q in queries:
        if q in cat.keys:
            return Match(cat.keys[q], 1.0)
    from rapidfuzz import fuzz, process

    conf = load("catalogue")["matching"]
    best: Optional[Match] = None
    for q in queries:
        cands = [(key, score / 100) for key, score, _ in process.extract(
            q, list(cat.keys), scorer=fuzz.ratio, limit=5, score_cutoff=conf["min_score"])]
        # a listed name inside a longer row name ("全市森林覆盖率"): the share it covers
        cands += [(key, conf["contained_base"] + (1 - conf["contained_base"]) * len(key) / len(q))
                  for key in cat.keys if len(key) >= conf["contained_min_len"] and key in q
                  and len(key) / len(q) >= conf["contained_min_share"]]
        for key, score in sorted(cands, key=lambda c: -c[1]):
            if _distinct(key) == _distinct(q):
                if best is None or score > best.score:
                    best = Match(cat.keys[key], round(score, 3))
                break
    return best


def annotate(indicators: list) -> None:
    """Set ``canonical_id``, ``polarity`` and ``catalogue_score`` on indicator records."""
    for ind in indicators:
        m = match(ind.name, ind.group)
        if m is not None:
            ind.canonical_id, ind.polarity, ind.catalogue_score = m.entry.id, m.entry.polarity, m.score


def polarity_of(indicator: Any) -> Optional[str]:
    """Direction of improvement of an indicator — "higher_better", "lower_better",
    "qualitative" — or None when the catalogue does not know it.

    ``indicator`` is an Indicator record, its dict (planx JSON) or a name.  A record's own
    ``canonical_id`` decides; else its name (and group) are matched."""
    if isinstance(indicator, str):
        m = match(indicator)
        return m.entry.polarity if m else None
    get = indicator.get if isinstance(indicator, dict) else (lambda k, d=None: getattr(indicator, k, d))
    cid = get("canonical_id")
    if cid and cid in catalogue().by_id:
        return catalogue().by_id[cid].polarity
    m = match(get("name"), get("group"))
    return m.entry.polarity if m else None


def rows() -> list[dict]:
    """The catalogue as flat rows (one per indicator) for tabular outputs."""
    return [{"canonical_id": e.id, "name": e.name, "group": e.group, "synonyms": list(e.synonyms),
             "unit": e.unit, "polarity": e.polarity, "attributes": dict(e.attributes),
             "lists": list(e.lists)} for e in catalogue().entries]


def lists() -> list[dict]:
    """The official lists the catalogue is drawn from, with their sources."""
    return [dict(x) for x in catalogue().lists]
