"""planx's version (also ``extractor.__version__``), recorded in outputs, manifests and reports."""

__version__ = "0.1.0"
