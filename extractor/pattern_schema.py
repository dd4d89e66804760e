"""What the code reads from each pattern file (``patterns/<name>.toml``), checked when the file
is loaded, so that a renamed key, a value of the wrong type or a regex without the named group
the code reads is one clear error naming the file and the key, never a ``KeyError`` later.

A declaration is plain data:

- ``str``, ``int``, ``bool``: a value of that type; ``float``: any number;
- ``Rx("a", "b")``: a regular expression (a string) that defines the named groups ``a`` and ``b``
  (``Rx(numbered=1)``: at least one capturing group, for code that reads ``group(1)``);
  it may be written as a table ``{rx = '…', examples = […], counter_examples = […]}`` (texts it
  must find, and must not find: tests/test_pattern_examples.py runs them);
- ``[spec]``: an array whose items all match ``spec``; ``(spec1, spec2)``: an array of exactly
  these items;
- ``{"key": spec, "other?": spec}``: a table with these keys (``?``: the key may be left out);
  ``{str: spec}``: a table of any keys whose values match ``spec``.

Keys that no declaration names are allowed (a user's notes, an unused setting).
"""
from __future__ import annotations

import re
from typing import Any, NamedTuple, Optional

import regex

_GROUP = re.compile(r"\(\?P?<([A-Za-z_]\w*)>")


class Rx:
    """A regular expression that defines the named groups the code reads from its matches (and,
    with ``numbered``, at least that many capturing groups, for code that reads ``group(1)``)."""

    def __init__(self, *groups: str, numbered: int = 0):
        self.groups = groups
        self.numbered = numbered


class SchemaProblem(Exception):
    """Where a pattern file departs from its declaration (the message is the one-line cause)."""


def named_groups(pattern: str) -> set[str]:
    """The named groups a regular expression defines (``(?P<name>…)`` or ``(?<name>…)``)."""
    return set(_GROUP.findall(pattern))


_WHAT = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
         list: "an array", dict: "a table"}


def _kind(value: Any) -> str:
    for t in (bool, str, int, float, list, dict):
        if isinstance(value, t):
            return {bool: "true/false", int: "an integer", float: "a number"}.get(t, _WHAT[t])
    return type(value).__name__


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else f'"{k}"'


def _where(path: tuple) -> str:
    """A TOML-like place: ``[limits]``, ``[[label]] 3``, or "" at the top of the file."""
    if not path:
        return ""
    if isinstance(path[-1], int):
        return f"[[{'.'.join(_key(str(p)) for p in path[:-1])}]] {path[-1] + 1} "
    return f"[{'.'.join(_key(str(p)) for p in path)}] "


class Pattern(NamedTuple):
    """A regular expression of a pattern file, where it sits, and the texts it must (examples)
    and must not (counter_examples) find."""

    place: str  # "[limits] pattern 'title_trim'"
    rx: str
    examples: tuple[str, ...] = ()
    counter_examples: tuple[str, ...] = ()


_EXAMPLES = {"examples?": [str], "counter_examples?": [str]}
_RX_TABLE = {"rx": str, **_EXAMPLES}


def check(data: dict, schema: dict) -> list[Pattern]:
    """Raise :class:`SchemaProblem` at the first place ``data`` departs from ``schema``; else
    return its regular expressions.  A regex may be written as a table ``{rx = '…', examples =
    […], counter_examples = […]}``: ``data`` then holds the ``rx`` string in its place, as the
    code reads it.  A table with an ``rx`` key may carry ``examples`` beside it."""
    found: list[Pattern] = []
    _table(data, schema, (), found)
    return found


def _table(data: dict, schema: dict, path: tuple, found: list[Pattern]) -> None:
    for key, spec in schema.items():
        if key is str:
            for k, v in data.items():
                data[k] = _value(v, spec, path, k, None, found)
            continue
        name = key.rstrip("?")
        if name in data:
            data[name] = _value(data[name], spec, path, name, None, found)
        elif not key.endswith("?"):
            raise SchemaProblem(f"{_where(path)}missing key '{name}'")
    if "rx" in schema:
        _table(data, _EXAMPLES, path, found)
        found.append(Pattern(f"{_where(path)}pattern 'rx'", data["rx"], *_examples(data)))


def _examples(table: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(table.get("examples", ())), tuple(table.get("counter_examples", ()))


def _value(value: Any, spec: Any, path: tuple, key: str, item: Optional[int], found: list[Pattern]) -> Any:
    """``value`` checked against ``spec`` (a regex written as a table: its ``rx`` string)."""
    label = f"'{key}'" + (f" item {item + 1}" if item is not None else "")
    if isinstance(spec, dict):
        _expect(value, dict, path, label)
        _table(value, spec, path + (key,) if item is None else path + (key, item), found)
    elif isinstance(spec, list):
        _expect(value, list, path, label)
        value[:] = [_value(v, spec[0], path, key, i, found) for i, v in enumerate(value)]
    elif isinstance(spec, tuple):
        _expect(value, list, path, label)
        if len(value) != len(spec):
            raise SchemaProblem(f"{_where(path)}{label} must hold {len(spec)} values, not {len(value)}")
        value[:] = [_value(v, s, path, key, item, found) for v, s in zip(value, spec)]
    elif isinstance(spec, Rx):
        written = value
        if isinstance(value, dict):
            _table(value, _RX_TABLE, path + (key,), [])
            value = value["rx"]
        _expect(value, str, path, label)
        for g in spec.groups:
            if g not in named_groups(value):
                raise SchemaProblem(f"{_where(path)}pattern {label} lacks the named group '{g}'")
        if spec.numbered and _capturing_groups(value, path, label) < spec.numbered:
            raise SchemaProblem(f"{_where(path)}pattern {label} lacks the capturing group (…) whose text the code reads")
        found.append(Pattern(f"{_where(path)}pattern {label}", value,
                             *(_examples(written) if isinstance(written, dict) else ())))
    else:
        _expect(value, spec, path, label)
    return value


def _capturing_groups(pattern: str, path: tuple, label: str) -> int:
    try:
        return regex.compile(pattern, regex.V1).groups
    except regex.error as e:
        raise SchemaProblem(f"{_where(path)}pattern {label} is not a valid regular expression ({e})") from None


def _expect(value: Any, kind: type, path: tuple, label: str) -> None:
    ok = isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool)
    if kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok:
        raise SchemaProblem(f"{_where(path)}{label} must be {_WHAT[kind]}, not {_kind(value)}")


WORD_LISTS = ("pos_words",)  # patterns/<name>.tsv: lines "word<TAB>tag"

_LABEL = {"zh": str, "en": str}
_CHECK = {"enabled?": bool, "severity?": str, "message?": str, "message_en?": str}

SCHEMAS: dict[str, dict] = {
    "catalogue": {
        "list": [{"id": str, "title": str, "issuer?": str, "number?": str, "date?": str, "url?": str,
                  "note?": str}],
        "indicator": [{"id": str, "name": str, "polarity": str, "unit?": str, "group?": str,
                       "attributes?": {str: str}, "lists?": [str], "synonyms?": [str]}],
        "matching": {"drop": Rx(), "distinguishing_words": [Rx()], "min_score": float,
                     "contained_min_len": int, "contained_min_share": float, "contained_base": float},
    },
    "checks": {
        "checks": {str: _CHECK},
        "units": {"max_left_out": int, "same_prefix": int, "min_length": int, "collective": Rx()},
        "declared": {"number": Rx(), "cue": Rx(), "money_scale": {str: float}, "status_words": {str: Rx()},
                     "pattern": [{"key": str, "rx": Rx("n")}]},
        "values": {"change": Rx(), "name_min_chars": int},
        "dates": {"since": Rx()},
        "cross": {"scheme_types": [str], "plan_types": [str], "title_noise": Rx(),
                  "plan_reference": Rx(), "adoption": Rx()},
    },
    "dates": {
        "point": Rx("Y", "YC", "YP", "M", "D", "MP"), "year_range": Rx("Y1", "Y2"), "range_sep": Rx(),
        "full_date": Rx("y", "m", "d", "end"), "period_word": Rx("W"), "period_clause_action": Rx(),
        "prefix": Rx(), "suffix": Rx(), "history_prefix": [str], "history_suffix": [str],
        "reference_before": Rx(), "reference_after": Rx(), "metadata_before": Rx(),
        "recurring_before": Rx(), "bare_year_verbs": Rx(), "action_label": Rx(), "ongoing": Rx(),
        "since_after": Rx(), "by_suffix": [str], "by_prefix": [str], "start_prefix": [str],
        "reference_suffix": [str], "year_end_parts": [str], "year_part_month": {str: int},
        "month_end_parts": [str], "period_span_words": [str], "period_not_action": [str],
        "title_before_bracket": Rx(), "point_start": Rx(), "cue": Rx(),
    },
    "diff": {
        "related": {"title_similarity": float, "record_overlap": float, "title_noise": Rx()},
        "attribute_rank": {str: int},
        "money_units": {str: float},
    },
    "labels": {"kinds": {str: _LABEL}, "changes": {str: _LABEL}, "directions": {str: _LABEL},
               "trends": {str: _LABEL}},
    "headings": {
        "cn_num": Rx(), "any_label": Rx(),
        "label": [{"name": str, "rank": float, "rx": Rx("label"), "label_only?": bool}],
        "limits": {"standalone_title_max": int, "runin_title_max": int, "unlabelled_title_max": int,
                   "not_heading": [Rx()], "runin_end": Rx(), "title_trim": Rx(), "attachment_list": Rx()},
        "tasks": {"lead_max": int, "lead_min": int, "lead_end": Rx(), "note_only": Rx(), "not_lead": [Rx()]},
    },
    "html": {"chrome_names": Rx(), "prose_min_chars": int, "body_share": float, "layout_cell_chars": int},
    "limits": {
        "document": {"timeout_s": float, "max_memory_mb": float, "max_file_mb": float, "max_text_chars": int},
        "ocr?": {"page_timeout_s?": float},
        "docx": {"max_grid_columns": int, "max_list_counter": int, "max_style_depth": int},
        "pdf": {"max_pages": int, "max_stream_mb": float},
    },
    "measures": {"unit_spellings": [(Rx(), str)]},
    "metadata": {
        "head_blocks": int, "notice": Rx("issuer", "title"), "notice_cue": Rx(), "notice_plain": Rx("issuer"),
        "doc_number": Rx(), "doc_number_line": Rx("num"), "issuer_line": Rx("issuer"),
        "date_line": Rx("date", "published"), "version_label": Rx("label"),
        "version_in_title": Rx("label"), "title_words": Rx(), "title_head": Rx(), "title_cont": Rx(),
        "region_prefix": Rx("region"), "region_scope": Rx("region"), "national_issuer": Rx(),
        "national_region": str, "region_mention": Rx("region"), "region_mention_exclude": Rx(),
        "period_range": Rx("start", "end"), "period_statement": Rx(),
        "base_year": Rx("y1", "y2"), "comparison_base": Rx("year"),
        "phase_named": Rx("name", "start", "end"), "phase_named_cue": Rx(), "phase_step": Rx("name", "range"),
        "plan_types": [str], "addressee_line": Rx(), "title_part": Rx(), "title_max_lines": int,
        "notice_title_end": Rx(), "transmittal": Rx(), "title_issuer": Rx("issuer"), "tail_blocks": int,
        "horizon": Rx("y"), "goal_section": Rx(), "horizon_max_years": int,
        "opening_blocks": int, "opening_line_max": int, "opening_period_cue": Rx(), "opening_plan_cue": Rx(),
        "opening_date": Rx(),
    },
    "numbers": {
        "cn_digit_chars": str, "cn_digit_values": {str: int}, "cn_places": str, "cn_large_places": str,
        "cn_one": str, "cn_point": str, "percent_word": str, "more_marks": str, "not_after": str, "arabic": Rx(), "magnitudes": {str: float}, "units": [str],
        "cn_units": [str], "range_sep": Rx(), "vague_pair": Rx(),
    },
    "ocr": {
        "dpi": int, "min_score": float, "rule_min_inch": float, "vrule_min_inch": float,
        "rule_extend_pt": float, "size_ratio": float, "turn_share": float, "turn_sample": int,
        "short_line_units": int,
        "dash_width_em": [float], "dash_max_height_em": float, "dash_min_aspect": float, "dash_clear_em": float,
        "red": {"hue_low": int, "hue_high": int, "min_saturation": int, "min_value": int,
                "seal_min_inch": float, "seal_max_aspect": float},
        "correction": [{"rx": Rx(), "to": str}],
    },
    "punctuation": {"sentence_end": str, "full_stop": str, "comma": str, "colon": str, "title_open": str,
                    "title_close": str, "brackets_open": str, "brackets_close": str},
    "periods": {"reference_plan": int, "reference_start": int, "five_year": Rx("N")},
    "pdf": {"page_number": Rx(), "margin_zone": float, "repeat_share": float,
            "heading_size_ratio": float, "heading_max_len": int},
    "pipeline": {"pipeline": {"components": [str]}},
    "polarity": {"reduction": Rx(), "rate_of_good": Rx(), "lower_better": Rx(), "higher_better": Rx()},
    "responsibilities": {
        "note": Rx("body"), "label": Rx("role"), "bare_label": Rx("label", "body"), "role_verb": Rx("role"),
        "role_manner": Rx(), "first_lead": Rx("onward"), "lead_roles": [str], "support_roles": [str],
        "standing_rule": Rx("rule", "units"), "unlabelled_close": Rx(), "prose_lead": Rx(),
        "subject_end_pos": [str], "subject_bad_pos": [str], "pos_fixes?": {str: str}, "duty": Rx(),
        "prose_not_agent": [str], "not_subject": Rx(), "sentence_end": Rx(), "notes_mode_min": int,
        "role_kinds": {str: Rx()}, "note_cue": Rx(), "label_cue": Rx(),
    },
    "tables": {
        "after_table_line": Rx(), "columns": [{"rx": Rx(), "kind": str}], "label_kinds": [str], "header_year": Rx(numbered=1),
        "caption_base_year": Rx(numbered=1), "seq_cell": Rx(), "attribute_cell": Rx(),
        "status_cell": Rx(), "unit_cell": Rx(), "number_cell": Rx(), "year_specific_cell": Rx(),
        "divider_attribute": Rx(numbered=1), "divider_domain": Rx(), "divider_category": Rx(),
        "divider_number": Rx(), "attribute_complement": {str: str}, "total_row": Rx(), "caption": Rx(),
        "caption_max_len": int, "continued_table": Rx(), "footnote": Rx(), "name_seq": Rx(numbered=1), "name_seq_unmarked": Rx(numbered=1),
        "name_unit": Rx(numbered=1), "unit_text": Rx(), "qualifier_line": Rx(), "box_title": Rx(),
        "box_project_title": Rx(), "box_item": Rx(numbered=1), "box_subitem": Rx(numbered=1), "item_title_end": Rx(),
        "item_project_name": Rx(), "period_point": Rx("y", "m"), "period_sep": Rx(), "unit_split": Rx(),
        "unit_line_end": Rx(), "pindicator_split": Rx(), "merge_max_empty_share": float,
        "merge_always": [str], "value_start": Rx(), "unit_note": Rx(numbered=1), "task_role_word": Rx("role"),
        "task_merge_always": [str], "cell_lead_mark": Rx(), "task_title_max": int,
    },
    "targets": {
        "approx_before": Rx(), "filler_before": Rx(), "count_units": [str], "within_after": Rx(),
        "scope_after": Rx(), "spec_after": Rx(), "spec_after_ok": Rx(), "scope_compare_before": Rx(),
        "existing_before": Rx(), "object_before": Rx(), "described_count_before": Rx(),
        "cn_numeral_before": Rx(), "declared_after": Rx(), "goal_cue": Rx(), "history_words": Rx(),
        "quota_before": Rx(), "norm_clause": Rx(), "declared_subject": Rx(), "review_section": Rx(),
        "place_name": Rx(), "action_only": Rx(), "object_end": Rx(), "subject_lead": Rx(),
        "subject_tail": Rx(), "op_before": {str: Rx()}, "op_after": {str: Rx()},
        "list_sep": str, "enumeration_mark": str, "respectively": str, "increase_word": str,
        "bracket_comparator_before": Rx(), "percent_scope_after": Rx(), "object_lead": Rx(), "object_stop": str,
        "respectively_head": Rx(numbered=1),
        "kind": {"forward_section": Rx(), "closing_section": Rx(), "descriptive_section": Rx(),
                 "fact_subject": Rx(), "status_cue": Rx(), "goal_cue": Rx()},
    },
    "text": {"bookmark": Rx(), "toc_bookmark": Rx(), "han_digit_space": Rx(), "han_digit_space_cue": Rx(),
             "line_end_punct": Rx(),
             "page_split_min_len": int, "page_split_prose": Rx()},
    "units": {
        "grammar": {"region": Rx(), "region_marks": str, "aside": Rx(), "name_chars": Rx(), "list_sep": Rx(),
                    "list_marks": str, "conjunction": Rx(), "etc": Rx(), "etc_word": str},
        "prefix": {"levels": [(str, str)], "national": [str], "collective": str, "generic_places": [str]},
        "suffix": {"generic": [str], "branch": [str], "collective_nouns": [str]},
        "body": [{"canonical": str, "variants?": [str], "level?": str}],
    },
    "values": {
        "placeholders": [str], "flag_marks": Rx(), "number": Rx(), "prefix_ops": [(Rx(), str)],
        "suffix_ops": [(Rx(), str)], "range_sep": Rx(), "bracket_number": Rx("text", "num", "unit"),
        "unit": Rx(), "cn_quantity": Rx("num", "unit"), "han": Rx(), "approx_suffix": Rx(),
        "approx_prefix": Rx(),
    },
}
