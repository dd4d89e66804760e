"""Heading detection (scaffold, being written)."""
from __future__ import annotations


def detect_sections(doc):
    return [], set(), [None] * len(doc.blocks)
