"""Audit checks of a plan against itself (scaffold; replaced by the audit module)."""
from __future__ import annotations


def run(result, doc):
    return []
