"""Build lectures into PPTX, a reveal.js deck and PDF handouts: `python build.py --help`."""

import sys

from slides.cli import main

if __name__ == "__main__":
    sys.exit(main())
