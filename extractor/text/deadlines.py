"""deadlines in running text (scaffold; replaced by the text-records module)."""
from __future__ import annotations


def extract(doc, struct, info):
    return []
