"""Indicator and key-project tables → records (scaffold; replaced by the tables module)."""
from __future__ import annotations


def extract(doc, struct):
    return [], [], []
