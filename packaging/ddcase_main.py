"""Entry script of the frozen app (PyInstaller): the same `ddcase.cli:main` as the `ddcase`
command installed by pip. Kept in packaging/ so the source tree has one entry point."""

import sys

from ddcase.cli import main

if __name__ == "__main__":
    sys.exit(main())
