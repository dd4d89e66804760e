"""The libraries planx imports lazily: inside the function that uses them, never at module level.

They are heavy to import (numpy, pandas, jieba's dictionary, the PDF and Word stacks, rich)
or optional (dask's ``distributed``, POSIX-only ``resource``), and most runs need only a few of
them: ``planx diff a.json b.json`` never reads a PDF, ``planx extract plan.txt`` never builds a
DataFrame.  Everything else, planx's own modules included, is imported at the top of its module
(``tests/test_import_graph.py`` holds both rules, and that importing the CLI loads none of these).
"""
from __future__ import annotations

HEAVY: frozenset[str] = frozenset({
    # numbers and tables
    "numpy", "pandas", "lap", "openpyxl",
    # Chinese text
    "jieba", "cn2an", "rapidfuzz", "diff_match_patch",
    # readers
    "pypdfium2", "pdfplumber", "pdfminer", "docx", "lxml", "olefile",
    # OCR of scanned pages (the ocr extra)
    "rapidocr_onnxruntime", "onnxruntime", "cv2",
    # JSON Schema validation (compiled once, on first use)
    "jsonschema", "fastjsonschema",
    # terminal and processes
    "rich", "psutil",
    # optional or platform-specific (isal: the workbook's deflater, zlib where it is missing)
    "distributed", "resource", "isal",
})
