"""Batch tables: CSV per record kind, Excel workbook, SQLite (scaffold; replaced by the writers module)."""
from __future__ import annotations


def write_batch_tables(results, out_dir):
    return []


def result_frames(results):
    return {}
