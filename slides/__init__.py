"""slides: lectures written once in YAML, built into PPTX, reveal.js and PDF handouts."""

__version__ = "0.1.0"
