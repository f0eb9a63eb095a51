"""Where ddcase keeps things: the platformdirs data, config and log folders, `--db` / DDCASE_DB, and the
resources folder (always reached through here, so a frozen build finds it too)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "ddcase"
DB_ENV = "DDCASE_DB"
DEFAULT_DB_NAME = "ddcase.sqlite3"


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


#: Where this computer keeps what a log must not hold itself (the audit trail's keys and witness).
CONFIG_ENV = "DDCASE_CONFIG_DIR"


def config_dir() -> Path:
    """The user's config folder for ddcase (platformdirs), or DDCASE_CONFIG_DIR: what is this
    computer user's and not the log's (who "I" am in each log, the trail's keys and witness)."""
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        return Path(from_env)
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, appauthor=False))


def default_db() -> Path:
    return data_dir() / DEFAULT_DB_NAME


DEMO_DB_NAME = "ddcase-demo.sqlite3"


def demo_db(beside: Path | None = None) -> Path:
    """The demo team's own file (issue 15): `ddcase-demo.sqlite3` in the folder of the log
    `beside` (the user's log), else in the data folder beside the default log. The demo is never
    put into the user's log."""
    return (beside.parent if beside is not None else data_dir()) / DEMO_DB_NAME


def is_demo_file(path: Path | None) -> bool:
    return path is not None and path.name == DEMO_DB_NAME


def resolve_db(argument: str | None) -> str:
    """SPEC §4: `--db`, else DDCASE_DB, else ddcase.sqlite3 in the user data folder."""
    if argument:
        return argument
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return from_env
    return str(default_db())


def resources_dir() -> Path:
    """`resources/` beside the source tree, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "resources", here.parent / "resources"):
        if candidate.is_dir():
            return candidate
    return here.parents[2] / "resources"


def licence_text() -> str:
    """The licence's full text (LICENSE at the top of the source tree, or of a PyInstaller bundle),
    for the About box. Falls back to its name when the file is not shipped (a plain pip install)."""
    from ddcase import __copyright__, __licence__

    bundle = getattr(sys, "_MEIPASS", None)
    here = Path(__file__).resolve()
    for folder in ([Path(bundle)] if bundle else []) + [here.parents[2]]:
        path = folder / "LICENSE"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return f"{__licence__} licence. {__copyright__}."
