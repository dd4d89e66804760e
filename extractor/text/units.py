"""Unit names: splitting unit lists, normalising names against the lexicon, finding mentions.

A name is read as ``[各] [region prefix] BODY [branch]`` (``patterns/units.toml``): the body
is looked up among the lexicon's canonical names and variants (longest first), the prefix
gives the level, and ``canonical`` = prefix + canonical body + branch.  A name whose body is
not listed but that ends like a unit (局, 委, 中心, 单位, …) is kept as written, ``known=False``.

Mentions in prose (the subject of a statement) are found with **jieba**: a private tokenizer
whose user dictionary is the lexicon (names, collective nouns, long generic endings) and whose
POS tags mark where a subject ends (the first verb / adverb / preposition).  Measured against
spaCy (``spacy.blank("zh")`` — a character segmenter — plus an EntityRuler fed from the same
lexicon with 市/区/县/省/各 prefixes) on the prose statements of gold document 004:
jieba F1 1.00 (11/11), spaCy F1 0.78 (7/11).  The EntityRuler only matches listed phrases, so
unknown units ("规划技术编制组", "领导小组" before an adverb) never open a subject; jieba's
tags bound any name.  Cost: ~1 s to load jieba once (lazily, only when a document has
candidate sentences; documents that close tasks with notes never load it).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Optional

import regex

from ..patterns import compiled, load
from ..records import UnitRef

_SPACE = r"\s+"
_PAREN = r"[（(][^（）()]*[）)]"
_REGION_MARK = "省市区县州镇乡"


@dataclass(frozen=True)
class _Lexicon:
    variants: dict[str, tuple[str, Optional[str]]]  # variant → (canonical body, default level)
    body_rx: object  # ^(pre)(body)(branch)?$
    generic_rx: object  # a name ending like a unit
    levels: list[tuple[str, str]]
    national: tuple[str, ...]
    collective: str
    collective_nouns: frozenset[str]
    generic_places: frozenset[str]


@functools.lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    """The compiled lexicon of ``patterns/units.toml``."""
    data = load("units")
    variants: dict[str, tuple[str, Optional[str]]] = {}
    for body in data["body"]:
        for v in [body["canonical"], *body.get("variants", [])]:
            variants.setdefault(v, (body["canonical"], body.get("level")))
    alt = "|".join(sorted(map(regex.escape, variants), key=len, reverse=True))
    branch = "|".join(sorted(map(regex.escape, data["suffix"]["branch"]), key=len, reverse=True))
    body_rx = compiled(rf"^(?P<pre>.*?)(?P<body>{alt})(?P<branch>\p{{Han}}{{0,8}}?(?:{branch}))?$")
    generic = "|".join(sorted(map(regex.escape, data["suffix"]["generic"]), key=len, reverse=True))
    generic_rx = compiled(rf"(?:{generic})$")
    levels = sorted(((p, lv) for p, lv in data["prefix"]["levels"]), key=lambda x: -len(x[0]))
    return _Lexicon(variants, body_rx, generic_rx, levels, tuple(data["prefix"]["national"]),
                    data["prefix"]["collective"], frozenset(data["suffix"]["collective_nouns"]),
                    frozenset(data["prefix"].get("generic_places", [])))


def lexicon_size() -> int:
    """Number of body names (canonical + variants) in the lexicon."""
    return len(lexicon().variants)


def clean(name: str) -> str:
    """A unit name as written with line breaks and spaces removed ("历下区\\n水务局" → "历下区水务局")."""
    return compiled(_SPACE).sub("", name)


def _prefix_level(pre: str) -> Optional[str]:
    lex = lexicon()
    pre = compiled(_PAREN).sub("", pre)  # "县（市、区）" reads as "县"
    if not pre or pre in lex.generic_places:
        return None
    if pre.startswith(lex.national):
        return "国家"
    for end, level in lex.levels:
        if pre.endswith(end):
            return level
    return None


def looks_like_unit(name: str) -> bool:
    """True when ``name`` reads as one unit name (a known body, or a name ending like a unit).

    A parenthesised part is read past ("县（市、区）政府", "省发改委（省能源局）")."""
    name = compiled(_PAREN).sub("", clean(name))
    if not 2 <= len(name) <= 30 or not compiled(r"^[\p{Han}A-Za-z0-9]+$").match(name):
        return False
    lex = lexicon()
    return bool(lex.body_rx.match(name) or generic_name(name) or _bare_region(name))


def generic_name(name: str) -> bool:
    """A name ending like a unit with a real name before the ending: "某某研究所", "区委", not
    a common word that happens to end so ("场所", "住所")."""
    m = lexicon().generic_rx.search(name)
    if not m:
        return False
    head = name[: m.start()]
    return len(m.group()) >= 2 or len(head) >= 2 or head in tuple(_REGION_MARK) or head == ""


def normalize(name: str) -> UnitRef:
    """The lexicon reading of one unit name: canonical form, level, known."""
    lex = lexicon()
    written = clean(name)
    core = written[len(lex.collective):] if written.startswith(lex.collective) else written
    lead = written[: len(written) - len(core)]
    alias = compiled(_PAREN + "$").search(core)  # "省发改委（省能源局）": read the name before it
    m = lex.body_rx.match(core) or (alias and lex.body_rx.match(core[: alias.start()]))
    if m and core not in lex.collective_nouns:
        canonical_body, body_level = lex.variants[m["body"]]
        pre, branch = m["pre"], m["branch"] or ""
        rest = core[m.end():]
        level = body_level if body_level == "企业" else (_prefix_level(pre) or body_level)
        if branch and level in ("市", None):
            level = "区县"
        return UnitRef(written, lead + pre + canonical_body + branch + rest, level or "other", True)
    level = _prefix_level(_region_prefix(core))
    return UnitRef(written, written, level or "other", False)


def _region_prefix(core: str) -> str:
    """The region part of an unknown name: text up to the last 省/市/区/县/街道/镇 marker."""
    m = compiled(r"^(?:\p{Han}{0,8}?(?:自治区|自治州|自治县|街道|省|市|区|县|旗|镇|乡))+").match(core)
    return m.group(0) if m else ""


def split_list(text: str) -> list[str]:
    """Split a written unit list into names, in order.

    Separators are 、，,；; and — between two names that each read as a unit — 和/及/与
    ("各街道和各责任部门"), never inside a body name ("市工业和信息化局").
    """
    out: list[str] = []
    for part in compiled(r"[、，,；;](?![^（(]*[）)])").split(text):  # never inside brackets
        part = compiled(r"等(?:单位|部门)?$").sub("", clean(part))
        if part:
            out.extend(_split_conj(part))
    return out


def _split_conj(name: str) -> list[str]:
    m = lexicon().body_rx.match(name)
    inside = range(m.start("body"), m.end("body")) if m else range(0)
    for c in compiled(r"[和及与]").finditer(name):
        left, right = name[: c.start()], name[c.end():]
        if c.start() not in inside and looks_like_unit(left) and looks_like_unit(right):
            return [left, *_split_conj(right)]
    return [name]


def expand(names: list[str]) -> list[UnitRef]:
    """Normalised units of a list, a shared body distributed over bare region names.

    "黄埔区、天河区人民政府" → 黄埔区人民政府, 天河区人民政府: a bare region name directly
    followed by region + body takes that body; "市财政局、生态环境局" → the second name takes
    the first one's region word (市生态环境局).
    """
    refs = [normalize(n) for n in names]
    lex = lexicon()
    for i in range(len(refs) - 2, -1, -1):
        cur, nxt = refs[i], refs[i + 1]
        if cur.known or not _bare_region(cur.name):
            continue
        m = lex.body_rx.match(nxt.canonical)
        if nxt.known and m and _bare_region(m["pre"]):
            body = nxt.canonical[len(m["pre"]):]
            refs[i] = UnitRef(cur.name, cur.name + body, _prefix_level(cur.name) or nxt.level, True)
    for i in range(1, len(refs)):  # "市发展和改革局、工业和信息化局": the region word is not repeated
        cur, prev = refs[i], refs[i - 1]
        m, pm = lex.body_rx.match(cur.canonical), lex.body_rx.match(prev.canonical)
        if cur.known and cur.level == "other" and m and not m["pre"] and prev.known and pm \
                and len(pm["pre"]) == 1 and pm["pre"] in _REGION_MARK:
            refs[i] = UnitRef(cur.name, pm["pre"] + cur.canonical, _prefix_level(pm["pre"]) or "other", True)
    return refs


def _bare_region(name: str) -> bool:
    return bool(name) and _region_prefix(name) == name and len(name) >= 2


# ── mentions in prose (jieba) ─────────────────────────────────────────────────────────

@functools.lru_cache(maxsize=1)
def _jieba():
    """jieba's POS tokenizer with every lexicon name and generic unit word as a user word.

    The module's default tokenizer is used (a private one would load jieba's dictionaries a
    second time); the added names only make unit names single tokens elsewhere too."""
    import jieba
    import jieba.posseg as pseg

    jieba.setLogLevel(60)
    data = load("units")
    words = set(lexicon().variants) | set(data["suffix"]["collective_nouns"])
    words |= {w for w in data["suffix"]["generic"] if len(w) >= 3}
    for w in sorted(words):
        pseg.dt.add_word(w, tag="nt")
    for w, tag in load("responsibilities").get("pos_fixes", {}).items():
        pseg.dt.add_word(w, tag=tag)
    return pseg.dt


def tokens(text: str) -> list[tuple[str, str, int, int]]:
    """(word, pos, start, end) of ``text`` by jieba with the lexicon user dictionary."""
    out, pos = [], 0
    for w, flag in _jieba().cut(text):
        out.append((w, flag, pos, pos + len(w)))
        pos += len(w)
    return out


def leading_units(text: str, end_pos: tuple[str, ...], bad_pos: tuple[str, ...]) -> Optional[tuple[list[str], int]]:
    """The unit list that opens ``text`` (a sentence subject) and where it ends.

    The subject runs up to the first token tagged with one of ``end_pos`` (verbs, adverbs,
    prepositions); every token before it must be nominal (no tag in ``bad_pos``) and the
    stretch must split into unit names.
    """
    toks = tokens(text)
    for k, (word, flag, start, _) in enumerate(toks):
        if flag == "nt" or word in ("、", "，", ",", "和", "及", "与", "等"):
            continue
        if k and flag.startswith(end_pos):
            names = split_list(text[:start])
            if text[start - 1] not in "、，,和及与" and names and all(looks_like_unit(n) for n in names):
                return names, start
            return None
        if flag.startswith(bad_pos) and flag not in ("nt",):
            return None
    return None


def may_open_with_unit(text: str, window: int = 30) -> bool:
    """Cheap test before segmenting: a unit ending occurs near the start of ``text``."""
    return bool(compiled(lexicon().generic_rx.pattern.removesuffix("$")).search(text[:window]))


def is_agent(name: str) -> bool:
    """A name that can be given work: a known body, a name ending like a unit, or 各 + place."""
    lex = lexicon()
    name = clean(name)
    if name in load("responsibilities")["prose_not_agent"]:
        return False
    if normalize(name).known or len(name) >= 3 and lex.generic_rx.search(name):
        return True
    return name.startswith(lex.collective) and _bare_region(name[len(lex.collective):])
