"""slides: lectures written once in YAML, built into PPTX, reveal.js and PDF handouts."""

from slides import deferred  # noqa: F401  (before any third-party import: see its docstring)

__version__ = "0.1.0"
