"""Run-in task detection (scaffold, being written)."""
from __future__ import annotations


def detect_tasks(doc, heading_blocks, block_section):
    return [], [None] * len(doc.blocks)
