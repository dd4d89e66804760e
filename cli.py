"""planx command line (also installed as the ``planx`` console command)."""
import sys

from extractor.cli import main

if __name__ == "__main__":
    sys.exit(main())
