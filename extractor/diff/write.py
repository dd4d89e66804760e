"""Writing a diff report in one of its formats (json, md, xlsx, html), to a file or stdout."""
from __future__ import annotations

import sys
from pathlib import Path

from ..files import atomic_write_text
from .render_html import render_html
from .render_json import render_json
from .render_md import render_md
from .render_xlsx import render_xlsx

_TEXT_RENDERERS = {"json": render_json, "md": render_md, "html": render_html}


def write_report(result, fmt: str, output: str | Path | None) -> Path | None:
    """Render ``result`` as ``fmt`` into ``output`` (atomically), or to stdout when None."""
    if fmt == "xlsx":
        render_xlsx(result, Path(output))
        return Path(output)
    text = _TEXT_RENDERERS.get(fmt, render_html)(result)
    if output:
        atomic_write_text(Path(output), text)
        return Path(output)
    sys.stdout.write(text)
    return None
