"""Document metadata (scaffold, being written)."""
from __future__ import annotations

from .records import DocumentInfo


def extract_document_info(doc, struct):
    return DocumentInfo(doc.doc_id, doc.source, doc.format, doc.sha256)
