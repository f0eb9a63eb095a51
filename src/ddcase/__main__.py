"""`python -m ddcase` runs the command line."""

import sys

from ddcase.cli import main

if __name__ == "__main__":
    sys.exit(main())
