"""Entry script of the frozen app (PyInstaller): the same `ddcase.cli:main` as the `ddcase`
command installed by pip. Kept in packaging/ so the source tree has one entry point."""

import sys

# Alembic loads its migration scripts from source; without this Python would write their
# __pycache__ into the program folder, which must stay as installed (and may be read-only).
sys.dont_write_bytecode = True

import multiprocessing  # noqa: E402

from ddcase.cli import main  # noqa: E402

if __name__ == "__main__":
    # A frozen app is its own child process (the import reads contacts.csv in one, spawned:
    # services/transfer/parallel.py): this runs the child's work instead of the app.
    multiprocessing.freeze_support()
    sys.exit(main())
