"""Chinese-language knowledge has one home, ``extractor/language/``: no module outside it
normalises text itself (``unicodedata.normalize``) or turns a five-year plan's number into years (the
"十X五" arithmetic ``2021 + 5 * (n - 4)`` in any of its spellings).  An AST scan of the package."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "extractor"
HOME = ROOT / "language"
OUTSIDE = sorted(p for p in ROOT.rglob("*.py") if HOME not in p.parents)


def _year(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, int) and 1900 <= node.value <= 2100


def _times_five(node: ast.AST) -> bool:
    return (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult)
            and any(isinstance(x, ast.Constant) and x.value == 5 for x in (node.left, node.right)))


def five_year_arithmetic(tree: ast.AST) -> list[int]:
    """Lines that add a multiple of five years to a year constant (``2025 + 5 * (i - 3)``)."""
    return [n.lineno for n in ast.walk(tree)
            if isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Add, ast.Sub))
            and (_year(n.left) and _times_five(n.right) or _year(n.right) and _times_five(n.left))]


def normalisers(tree: ast.AST) -> list[int]:
    """Lines that normalise text with ``unicodedata.normalize`` (the package's one NFKC is
    language.normalise.nfkc); other character properties (widths, categories) are allowed."""
    return [n.lineno for n in ast.walk(tree)
            if isinstance(n, ast.Attribute) and n.attr == "normalize"
            and isinstance(n.value, ast.Name) and n.value.id == "unicodedata"
            or isinstance(n, ast.ImportFrom) and n.module == "unicodedata" and any(a.name == "normalize" for a in n.names)]


def test_the_scan_finds_what_it_forbids():
    tree = ast.parse("s = unicodedata.normalize('NFKC', s)\nend = 2025 + 5 * ('一二三'.index(n) - 3)\n"
                     "start = 1981 + (n - 6) * 5\nw = unicodedata.east_asian_width(c)\n")
    assert five_year_arithmetic(tree) == [2, 3] and normalisers(tree) == [1]
    assert not five_year_arithmetic(ast.parse("x = 2025 + 4\ny = 5 * n + k\n"))


@pytest.mark.parametrize("check", [five_year_arithmetic, normalisers], ids=lambda f: f.__name__)
def test_no_language_knowledge_outside_the_language_package(check):
    found = [f"{p.relative_to(ROOT.parent)}:{line}" for p in OUTSIDE
             for line in check(ast.parse(p.read_text(encoding="utf-8")))]
    assert not found, f"use extractor.language (periods.plan_years / normalise.nfkc): {found}"


def test_the_language_package_holds_them():
    assert five_year_arithmetic(ast.parse("x = 2021 + 5 * (n - 14)")) and (HOME / "periods.py").is_file()
    assert normalisers(ast.parse((HOME / "normalise.py").read_text(encoding="utf-8")))
