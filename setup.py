"""Package discovery: every package under ``extractor/`` (found, never listed by hand), plus the
pattern library ``patterns/`` shipped inside it as ``extractor._patterns`` (see pyproject.toml)."""
from setuptools import find_packages, setup

setup(packages=find_packages(include=["extractor", "extractor.*"]) + ["extractor._patterns"])
