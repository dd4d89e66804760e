"""Responsibilities in running text (scaffold; replaced by the responsibilities module)."""
from __future__ import annotations


def extract(doc, struct):
    return []
