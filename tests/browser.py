"""Headless Chromium for the HTML tests, driven by Playwright with the system browser (Debian
`chromium`; Playwright's own browser downloads are not used).  Screenshots are kept as test
artifacts in ``$PLANX_ARTIFACTS`` (default: ``<tmp>/planx-artifacts``)."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")


def artifacts() -> Path:
    """The folder test screenshots are saved in."""
    d = Path(os.environ.get("PLANX_ARTIFACTS") or Path(tempfile.gettempdir()) / "planx-artifacts")
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(scope="module")
def browser():
    """A Chromium browser for the module (skips when chromium or Playwright is missing)."""
    if BROWSER is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=BROWSER, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page, 1280×900, that fails the test on any script error."""
    pg = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    pg.close()
    assert not errors, errors
