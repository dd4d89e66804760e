"""What a single-document check sees: the records and the counts the text announces."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ..model import Document, Span
from ..records import ExtractResult
from ..text.declared import Declaration, find_declarations, from_counts


@dataclass
class AuditContext:
    result: ExtractResult
    declarations: list[Declaration] = field(default_factory=list)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per context: a reading of the records several checks share."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @classmethod
    def build(cls, result: ExtractResult, doc: Optional[Document] = None) -> "AuditContext":
        """From the document text when there is one, else from ``declared_counts``."""
        decls = find_declarations(doc) if doc is not None else from_counts(result.document.declared_counts)
        return cls(result, decls)

    @property
    def title(self) -> str:
        info = self.result.document
        return info.title or info.doc_id

    @property
    def doc_span(self) -> Optional[Span]:
        """The span of the document's metadata statement (for document-level refs)."""
        return self.result.document.span
