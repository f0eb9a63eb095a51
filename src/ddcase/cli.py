"""The command line (SPEC §4), and the composition root: it alone builds the engine, migrates,
builds the services and runs a command or the desktop app.

Exit status: 0 done; 2 bad usage or input rejected (a message on stderr, no traceback);
1 anything unexpected (a short message; the details go to the log file).
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ddcase import __version__
from ddcase.bootstrap import local_now, open_read_only, refuse_missing_folder
from ddcase.bootstrap import open_services as open_services  # the app and the tests open logs through it
from ddcase.domain import DomainError, Month, Service

if TYPE_CHECKING:
    from ddcase.bootstrap import ReadOnlyServices
    from ddcase.services.registry import Services

log = logging.getLogger("ddcase")

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2

#: Commands that only read the database and print: they run alongside the opening check
#: (storage/opening.py) and print once it has passed, or trust a whole check that passed on
#: exactly this file within 12 hours (docs/decisions.md). Every other command waits for it first.
READ_ONLY_COMMANDS = frozenset({"figures", "series", "todo", "measures"})
#: Read-only commands whose every read goes through the driver alone (bootstrap.open_read_only):
#: on a recently checked file they import no SQLAlchemy (issue 18).
DRIVER_ONLY_COMMANDS = frozenset({"figures"})


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print usage and exit(2) itself
        raise UsageError(f"{self.prog}: {message}")


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except DomainError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text} is not a date (YYYY-MM-DD)") from None


def _common_options(default: object) -> argparse.ArgumentParser:
    """--db and --key-file, accepted before or after the command. After it, an option left out
    must not reset what was given before it, so the commands' copies default to SUPPRESS."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        default=default,
        help="the database: a file path, or a URL such as postgresql+psycopg://user@host/db "
        "(default: $DDCASE_DB, else ddcase.sqlite3 in your data folder)",
    )
    common.add_argument(
        "--key-file",
        metavar="FILE",
        type=Path,
        default=default,
        help="an encrypted database's recovery key file, when this computer's keystore does not "
        "have its key (default: $DDCASE_KEY_FILE)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    top = _common_options(None)
    common = _common_options(argparse.SUPPRESS)
    parser = _Parser(
        prog="ddcase",
        description="Case log for joint working between mental health and drug and alcohol services. "
        "With no command, opens the desktop app.",
        parents=[top],
    )
    parser.add_argument("--version", action="version", version=f"ddcase {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = commands.add_parser(
        "demo", parents=[common], help="fill an empty database with a synthetic demo team"
    )
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    demo.add_argument(
        "--if-empty", action="store_true", help="do nothing (and succeed) if the database already has clients"
    )

    imp = commands.add_parser(
        "import", parents=[common], help="import a folder of CSV files (all or nothing)"
    )
    imp.add_argument("folder", type=Path)
    exp = commands.add_parser("export", parents=[common], help="export the log to a folder of CSV files")
    exp.add_argument("folder", type=Path)
    exp.add_argument(
        "--client", metavar="REF", help="only everything held about one person (a subject access request)"
    )

    figures = commands.add_parser("figures", parents=[common], help="the jointly-worked figure for a month")
    figures.add_argument("--month", type=_month, required=True, metavar="YYYY-MM")
    figures.add_argument("--team", metavar="NAME")
    figures.add_argument("--json", action="store_true", help="print JSON (SPEC section 4)")

    todo = commands.add_parser("todo", parents=[common], help="the month's work list (SPEC section 6)")
    todo.add_argument("--month", type=_month, required=True, metavar="YYYY-MM")
    todo.add_argument("--team", metavar="NAME")
    todo.add_argument("--coordinator", metavar="NAME", help="one care coordinator's clients")
    todo.add_argument("--json", action="store_true", help="print JSON (SPEC section 6)")

    series = commands.add_parser(
        "series", parents=[common], help="the monthly figures over a range, with the chart analysis"
    )
    series.add_argument("--from", dest="first", type=_month, required=True, metavar="YYYY-MM")
    series.add_argument("--to", dest="last", type=_month, required=True, metavar="YYYY-MM")
    series.add_argument("--team", metavar="NAME")
    series.add_argument("--chart", choices=["run", "p"], help="force one kind of chart for every part")
    output = series.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true")
    output.add_argument("--csv", action="store_true", help="one row a month, for other QI tools")

    report = commands.add_parser(
        "report", parents=[common], help="the month's team-meeting summary as an A4 PDF"
    )
    report.add_argument("--month", type=_month, required=True, metavar="YYYY-MM")
    report.add_argument("--team", metavar="NAME")
    report.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help="the PDF to write")
    report.add_argument(
        "--no-client-list",
        dest="client_list",
        action="store_false",
        help="leave out the follow-up list (the only part that names clients, by reference and initials)",
    )

    measures = commands.add_parser(
        "measures",
        parents=[common],
        help="every measure of the family for a month, read the Making Data Count way",
    )
    measures.add_argument("--month", type=_month, required=True, metavar="YYYY-MM")
    measures.add_argument("--team", metavar="NAME")
    measures.add_argument("--json", action="store_true", help="print JSON (SPEC section 6)")

    define = commands.add_parser(
        "measure-define", parents=[common], help="define (or change) a measure entered by hand"
    )
    define.add_argument("slug", metavar="SLUG", help="its short name: the measure's key is manual:SLUG")
    define.add_argument("--name", required=True, help="what is measured, as the table and charts say it")
    define.add_argument("--type", dest="kind", choices=["outcome", "process", "balancing"], default="process")
    define.add_argument("--unit", choices=["proportion", "count", "value"], required=True)
    define.add_argument("--better", choices=["higher", "lower"], default="higher")
    define.add_argument("--aim", type=float, help="the aim, in the unit (a proportion as 0..1, 0.8 for 80%%)")
    define.add_argument("--aim-by", type=_month, metavar="YYYY-MM", help="when the aim is to be met")
    define.add_argument("--owner", help="who looks after the measure")
    define.add_argument("--source", dest="data_source", help="where the numbers come from")
    define.add_argument("--team", metavar="NAME", help="the team it belongs to (default: the whole service)")

    measure_import = commands.add_parser(
        "measure-import",
        parents=[common],
        help="import a measure's monthly values from a CSV (month,numerator,denominator or month,value; all or nothing)",
    )
    measure_import.add_argument("slug", metavar="SLUG")
    measure_import.add_argument("file", type=Path, metavar="FILE.csv")

    _pdsa_parsers(commands, common)

    commands.add_parser("check", parents=[common], help="check the database and the audit trail")

    backup = commands.add_parser(
        "backup", parents=[common], help="back the database up (default: into the backups folder beside it)"
    )
    backup.add_argument("--to", type=Path, metavar="FILE", help="write the backup to this new file")
    restore = commands.add_parser(
        "restore",
        parents=[common],
        help="replace the database with a backup (the current file is kept aside)",
    )
    restore.add_argument("file", type=Path, metavar="FILE")
    purge = commands.add_parser(
        "purge", parents=[common], help="anonymise clients whose last episode ended before a date"
    )
    purge.add_argument("--before", type=_date, required=True, metavar="YYYY-MM-DD")

    sides = [side.value for side in Service]
    left = commands.add_parser(
        "worker-left",
        parents=[common],
        help="mark a worker as left on a date: kept for the history and figures, no longer offered",
    )
    left.add_argument("name", metavar="NAME", help="the worker's name, as in the directory")
    when = left.add_mutually_exclusive_group(required=True)
    when.add_argument("--on", type=_date, metavar="YYYY-MM-DD", help="the day they left")
    when.add_argument("--still-here", action="store_true", help="undo: they have not left")
    left.add_argument("--service", choices=sides, help="when the name is on both sides")
    caseload = commands.add_parser(
        "move-caseload",
        parents=[common],
        help="end a worker's open episodes and open the same with another worker from a date",
    )
    caseload.add_argument("--leaver", required=True, metavar="NAME", help="whose caseload moves")
    caseload.add_argument("--to", required=True, metavar="NAME", help="the new worker, same side")
    caseload.add_argument(
        "--from",
        dest="from_date",
        type=_date,
        required=True,
        metavar="YYYY-MM-DD",
        help="the new worker's first day (the leaver's episodes end the day before)",
    )
    caseload.add_argument(
        "--client", action="append", metavar="REF", help="only this client (repeat for more; default: all)"
    )
    caseload.add_argument("--service", choices=sides, help="when the leaver's name is on both sides")

    move = commands.add_parser(
        "migrate-to",
        parents=[common],
        help="copy this log (--db) into a PostgreSQL team database (all or nothing; adds only what is missing)",
    )
    move.add_argument("url", metavar="URL", help="the team database, postgresql+psycopg://you@host/db")

    encrypt = commands.add_parser(
        "encrypt",
        parents=[common],
        help="encrypt the database file (all or nothing); its key goes in this computer's keystore",
    )
    encrypt.add_argument(
        "--recovery-file",
        type=Path,
        required=True,
        metavar="FILE",
        help="a new file to write the key to, for the team manager to keep safe (not beside the database)",
    )
    encrypt.add_argument(
        "--no-keystore",
        action="store_true",
        help="do not keep the key in this computer's keystore: every use then needs --key-file",
    )
    export_key = commands.add_parser(
        "export-key", parents=[common], help="write an encrypted database's key to a new recovery file"
    )
    export_key.add_argument("--to", type=Path, required=True, metavar="FILE")
    commands.add_parser(
        "import-key",
        parents=[common],
        help="keep the key given with --key-file in this computer's keystore (e.g. after moving the file)",
    )

    from ddcase import cli_audit

    cli_audit.add_parser(commands, common, _month)  # issue 17: `ddcase audit ...`

    setup = commands.add_parser(
        "team-setup",
        parents=[common],
        help="for the database administrator: set up a PostgreSQL team database's roles, or add a person",
    )
    setup.add_argument("--add-user", metavar="NAME", help="create a person's login (or change their role)")
    setup.add_argument("--role", choices=["coordinator", "manager", "readonly"])
    setup.add_argument(
        "--no-password",
        action="store_true",
        help="the person logs in by certificate or GSSAPI (Kerberos), so no password is set",
    )
    return parser


def _say_if_updating(db_argument: str | None, err: TextIO) -> None:
    """A database made by an earlier version is backed up and updated before the command runs (a
    trust's log takes a minute, once): say so on stderr rather than seem stuck."""
    from ddcase.services.session import database_file, needs_update

    try:
        path = database_file(db_argument)
    except Exception:  # noqa: BLE001 - a URL SQLAlchemy cannot read: opening explains it
        return
    if needs_update(path):
        print(
            "ddcase: updating the database for this version (a backup is made first; a large log "
            "takes a minute, once)...",
            file=err,
            flush=True,
        )


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(arguments)
    except UsageError as error:
        print(error, file=err)
        print("Try 'ddcase --help'.", file=err)
        return EXIT_USAGE
    except SystemExit as exit_:  # --help and --version
        return int(exit_.code or 0)
    from ddcase.logs import setup_logging

    _private_files()
    log_file = setup_logging()
    if args.command is None:
        # PySide6 is imported only for the desktop app, and first: its window shows before
        # the database side (SQLAlchemy, the services, the pages) is imported (issue 18).
        from ddcase.ui.app import run

        return run(args.db, open_services, daily_backup_after_showing=True)
    handler = COMMANDS[args.command]
    app: Services | ReadOnlyServices | None = None
    try:
        _give_key_file(args)
        if args.command in ("backup", "restore"):
            _require_sqlite_file(args.db)
        if args.command == "restore":  # works on the file, even one that cannot be opened
            return _restore(args, out)
        if args.command in DRIVER_ONLY_COMMANDS:  # read through sqlite3 alone when it may
            app = open_read_only(args.db)
            if app is not None:
                quick = _read_quickly(app, handler, args)
                if quick is not None:
                    code, printed = quick
                    out.write(printed)
                    return code
                app.close()
                app = None
        if app is None:
            _say_if_updating(args.db, err)
            app = open_services(args.db, read_only=args.command in READ_ONLY_COMMANDS)
        if args.command not in READ_ONLY_COMMANDS:
            app.wait_for_opening_check()  # may still be running: see storage/opening.py
        # Nothing is printed before the opening check has passed: the output waits in memory.
        held = io.StringIO()
        code = handler(app, args, held)
        app.wait_for_opening_check()
        out.write(held.getvalue())
        return code
    except DomainError as error:
        print(f"ddcase: {error}", file=err)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader went away (`ddcase figures --json | head`)
        _silence_stdout()
        return EXIT_UNEXPECTED
    except KeyboardInterrupt:
        print("ddcase: interrupted; nothing more was written.", file=err)
        return EXIT_UNEXPECTED
    except Exception:
        log.exception("unexpected error in %s", args.command)
        print(
            f"ddcase: something unexpected went wrong; details are in {log_file}.",
            file=err,
        )
        return EXIT_UNEXPECTED
    finally:
        if app is not None:
            app.close()


def _read_quickly(
    app: ReadOnlyServices, handler: Callable[..., int], args: argparse.Namespace
) -> tuple[int, str] | None:
    """The command's exit code and output, read through sqlite3 alone; or None when that read
    failed at the database (busy, or damaged since its check): the caller then opens the log as
    every command does, whose check and messages say what is wrong, and nothing half-read is
    printed."""
    import sqlite3

    held = io.StringIO()
    try:
        code = handler(app, args, held)
    except sqlite3.Error:
        log.warning("the quick read of %s failed; opening the log in full", args.command, exc_info=True)
        return None
    return code, held.getvalue()


def _give_key_file(args: argparse.Namespace) -> None:
    """--key-file: the key is used for this command's database (checked when it is opened)."""
    if getattr(args, "key_file", None) is None:
        if args.command == "import-key":
            raise DomainError("import-key keeps the key from a recovery file: give it with --key-file FILE.")
        return
    from ddcase.paths import resolve_db
    from ddcase.services.encryption import give_key_file
    from ddcase.storage.database import database_url, sqlite_path

    path = sqlite_path(database_url(resolve_db(args.db)))
    if path is None:
        raise DomainError("--key-file is for an encrypted database file, not a server database.")
    give_key_file(path, args.key_file)


def _private_files() -> None:
    """Everything ddcase creates (database, backups, exports, reports, logs) is readable by its
    owner only (Unix; on Windows the user's profile keeps others out)."""
    import os

    if os.name == "posix":
        os.umask(0o077)


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


# ---------------------------------------------------------------------- commands


def _demo(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    counts = app.casework.counts()
    if counts["clients"] and args.if_empty:
        print("The database already has clients; the demo was not added.", file=out)
        return EXIT_OK
    summary = app.demo.fill(seed=args.seed)
    print(summary, file=out)
    return EXIT_OK


def _import(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    summary = app.transfer.import_folder(args.folder)
    print(summary, file=out)
    return EXIT_OK


def _export(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    if args.client:
        print(app.subject_access.export(args.client, args.folder), file=out)
        return EXIT_OK
    summary = app.transfer.export_folder(args.folder)
    print(summary, file=out)
    return EXIT_OK


def _figures(app: Services | ReadOnlyServices, args: argparse.Namespace, out: TextIO) -> int:
    from ddcase.services.output import month_json, month_text

    figures = app.figures.month(args.month, args.team)
    if args.json:
        provisional = app.figures.is_provisional(args.month)
        # one shot: the C encoder (json.dump is pure Python)
        out.write(json.dumps(month_json(figures, provisional=provisional)))
        out.write("\n")
    else:
        out.write(month_text(figures, so_far=app.figures.so_far_text(args.month)))
    return EXIT_OK


def _todo(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    from ddcase.services.output import todo_json, todo_text

    todo = app.figures.to_do(args.month, args.team, args.coordinator)
    if args.json:
        out.write(json.dumps(todo_json(todo)))
        out.write("\n")
    else:
        out.write(todo_text(todo))
    return EXIT_OK


def _series(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    from ddcase.services.output import series_csv, series_json, series_text

    series = app.figures.series(args.first, args.last, args.team, chart=args.chart)
    if args.json:
        out.write(json.dumps(series_json(series)))
        out.write("\n")
    elif args.csv:
        out.write(series_csv(series))
    else:
        out.write(series_text(series))
    return EXIT_OK


def _report(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    summary = app.reporting.monthly_report(args.month, args.team, args.out, client_list=args.client_list)
    out.write(summary.text())
    return EXIT_OK


def _measures(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    from ddcase.services.output import measures_text

    table = app.measures.table(args.month, args.team)
    if args.json:
        out.write(json.dumps(table.json()))
        out.write("\n")
    else:
        out.write(measures_text(table))
    return EXIT_OK


def _measure_define(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    from dataclasses import replace

    from ddcase.domain.measures import ManualMeasure

    draft = ManualMeasure(
        slug=args.slug,
        name=args.name,
        type=args.kind,
        unit=args.unit,
        better=args.better,
        aim=args.aim,
        aim_by=args.aim_by,
        owner=args.owner,
        data_source=args.data_source,
        team=args.team,
    )
    existing = next(
        (m for m in app.manual_measures.definitions(every_team=True) if m.slug == args.slug), None
    )
    if existing is not None:
        draft = replace(draft, id=existing.id, version=existing.version)
    saved = app.manual_measures.define(draft)
    verb = "Changed" if existing is not None else "Defined"
    print(
        f"{verb} {saved.key}: {saved.name} ({saved.type}, {saved.unit}, {saved.better} is better).", file=out
    )
    return EXIT_OK


def _measure_import(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    print(app.manual_measures.import_values(args.slug, args.file), file=out)
    return EXIT_OK


def _pdsa_parsers(commands: Any, common: argparse.ArgumentParser) -> None:
    """`ddcase pdsa list|add|update|close` (issue 16 item 6)."""
    pdsa = commands.add_parser("pdsa", parents=[common], help="PDSA cycles linked to measures")
    actions = pdsa.add_subparsers(dest="pdsa_action", metavar="ACTION", parser_class=_Parser, required=True)
    listing = actions.add_parser("list", parents=[common], help="the cycles, by start date")
    listing.add_argument("--team", metavar="NAME", help="a team's cycles and the whole service's")
    listing.add_argument("--all-teams", action="store_true", help="every team's cycles")
    listing.add_argument("--open", action="store_true", help="only the cycles not yet closed")
    listing.add_argument("--json", action="store_true", help="print JSON")

    def cycle_fields(parser: argparse.ArgumentParser, *, adding: bool) -> None:
        parser.add_argument("--title", required=adding, help="what is being tried, in a line")
        parser.add_argument("--start", type=_date, required=adding, metavar="YYYY-MM-DD")
        parser.add_argument(
            "--measure",
            dest="measures",
            action="append",
            required=adding,
            metavar="KEY",
            help="a linked measure's key, as `ddcase measures --json` gives it (repeat for each)",
        )
        parser.add_argument("--plan", help="what will be done, by whom, where and when")
        parser.add_argument("--prediction", help="what you expect to happen to the measures")
        parser.add_argument("--owner", help="who leads the cycle")
        parser.add_argument("--end", type=_date, metavar="YYYY-MM-DD", help="the planned end")
        parser.add_argument(
            "--team", metavar="NAME", help="the team it belongs to (default: the whole service)"
        )
        parser.add_argument("--json", action="store_true", help="print the cycle as JSON")

    cycle_fields(actions.add_parser("add", parents=[common], help="start a cycle"), adding=True)
    update = actions.add_parser("update", parents=[common], help="change a cycle (only the fields given)")
    update.add_argument("id", type=int, metavar="NUMBER")
    cycle_fields(update, adding=False)
    update.add_argument("--study", help="what happened, against the prediction")
    update.add_argument("--act", help="adopt, adapt or abandon, and what next")
    close = actions.add_parser("close", parents=[common], help="close a cycle with its study and act notes")
    close.add_argument("id", type=int, metavar="NUMBER")
    close.add_argument("--study", help="what happened, against the prediction")
    close.add_argument("--act", help="adopt, adapt or abandon, and what next")
    close.add_argument("--on", dest="closed_on", type=_date, metavar="YYYY-MM-DD", help="default today")
    close.add_argument("--json", action="store_true", help="print the cycle as JSON")


def _pdsa(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    from dataclasses import replace

    from ddcase.domain.pdsa import PdsaCycle
    from ddcase.rules.pdsa import parse_keys
    from ddcase.services.pdsa import cycle_json, cycle_text

    service = app.pdsa
    if args.pdsa_action == "list":
        cycles = service.cycles(args.team, every_team=args.all_teams, open_only=args.open)
        if args.json:
            out.write(json.dumps({"cycles": [cycle_json(c) for c in cycles]}) + "\n")
        else:
            out.write("".join(cycle_text(c) for c in cycles) or "No PDSA cycles.\n")
        return EXIT_OK
    if args.pdsa_action == "close":
        current = service.get(args.id)
        saved = service.close(
            args.id, current.version, study=args.study, act=args.act, closed_on=args.closed_on
        )
        verb = "Closed"
    else:
        given = {
            name: getattr(args, name)
            for name in ("title", "start", "measures", "plan", "prediction", "owner", "end", "team")
            if getattr(args, name) is not None
        }
        if "measures" in given:
            given["measures"] = tuple(key for typed in given["measures"] for key in parse_keys(typed))
        if args.pdsa_action == "add":
            saved = service.add(PdsaCycle(**given))
            verb = "Added"
        else:
            for name in ("study", "act"):
                if getattr(args, name) is not None:
                    given[name] = getattr(args, name)
            saved = service.update(replace(service.get(args.id), **given))
            verb = "Changed"
    if args.json:
        out.write(json.dumps(cycle_json(saved)) + "\n")
    else:
        out.write(f"{verb} PDSA cycle #{saved.id}.\n" + cycle_text(saved))
    return EXIT_OK


def _check(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    report = app.maintenance.check()
    out.write(report.text())
    return EXIT_OK if report.ok else EXIT_UNEXPECTED


def _migrate_to(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    from ddcase.storage.database import database_url

    target_url = database_url(args.url)
    if not target_url.startswith("postgresql"):
        raise DomainError(
            "migrate-to copies into a PostgreSQL team database: give its postgresql+psycopg:// URL."
        )
    target = open_services(target_url)
    try:
        if target.context.db.url == app.context.db.url:
            raise DomainError("The log and the team database are the same database; nothing was copied.")
        summary = target.team_database.bring_in(app.context, app.context.db.url)
    finally:
        target.close()
    print(summary, file=out)
    return EXIT_OK


def _team_setup(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    if args.add_user is None:
        if args.role or args.no_password:
            raise DomainError("--role and --no-password go with --add-user NAME.")
        print(app.team_database.setup(), file=out)
        return EXIT_OK
    if args.role is None:
        raise DomainError("--add-user needs --role coordinator, manager or readonly.")
    password = None if args.no_password else _ask_new_password(args.add_user)
    print(app.team_database.add_user(args.add_user, args.role, password), file=out)
    return EXIT_OK


def _ask_new_password(name: str) -> str:
    """Typed twice on the terminal, never echoed, never stored (the server gets a SCRAM verifier)."""
    import getpass

    if not sys.stdin or not sys.stdin.isatty():
        raise DomainError(
            "A new password is typed at a terminal: run this in one, or give --no-password for "
            "certificate or GSSAPI log-in."
        )
    first = getpass.getpass(f"New password for {name}: ")
    if len(first) < 12:
        raise DomainError("Use a password of at least 12 characters; nothing was changed.")
    if getpass.getpass("Type it again: ") != first:
        raise DomainError("The two passwords differ; nothing was changed.")
    return first


def _backup(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    made = app.backup.backup(args.to)
    print(f"Backup made and checked: {made.path} ({made.size // 1024} KiB).", file=out)
    return EXIT_OK


def _require_sqlite_file(db_argument: str | None) -> Path:
    from ddcase.paths import resolve_db
    from ddcase.services.backup import SERVER_MESSAGE, BackupNotAvailable
    from ddcase.storage.database import database_url, sqlite_path

    path = sqlite_path(database_url(resolve_db(db_argument)))
    if path is None:
        raise BackupNotAvailable(SERVER_MESSAGE)
    refuse_missing_folder(db_argument, path)
    return path


def _restore(args: argparse.Namespace, out: TextIO) -> int:
    from ddcase.services.backup import restore
    from ddcase.services.encryption import known_key

    path = _require_sqlite_file(args.db)
    key = known_key(path)  # an encrypted database stays encrypted; an encrypted backup needs it
    print(restore(path, args.file, now=local_now(), key=key), end="", file=out)
    return EXIT_OK


def _encrypt(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    result = app.encryption.encrypt(args.recovery_file, use_keystore=not args.no_keystore)
    out.write(str(result))
    return EXIT_OK


def _export_key(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    written = app.encryption.export_key(args.to)
    print(
        f"Recovery file written: {written}. Give it to the team manager to keep safe and secret, "
        "away from the database.",
        file=out,
    )
    return EXIT_OK


def _import_key(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    path = app.encryption.import_key()
    print(f"The key of {path} is now kept in this computer's keystore.", file=out)
    return EXIT_OK


def _purge(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    print(app.retention.purge(args.before), file=out)
    return EXIT_OK


def _worker_left(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    from ddcase.domain.format import short_date_text

    worker = app.team.worker_named(args.name, Service(args.service) if args.service else None)
    saved = app.team.mark_left(worker, None if args.still_here else args.on)
    if saved.left_on is None:
        print(f"{saved.name} is in the team again, offered in every picker.", file=out)
    else:
        print(
            f"{saved.name} marked as left on {short_date_text(saved.left_on)}: kept for the history and "
            "the figures, no longer offered from that day.",
            file=out,
        )
        caseload = app.team.open_caseload(saved, saved.left_on)
        if caseload:
            print(
                f"{saved.name} still has {len(caseload)} open episode(s): move them with "
                f"ddcase move-caseload --leaver '{saved.name}' --to NAME --from YYYY-MM-DD.",
                file=out,
            )
    return EXIT_OK


def _move_caseload(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    leaver = app.team.worker_named(args.leaver, Service(args.service) if args.service else None)
    moved = app.team.move_caseload(leaver, args.to, args.from_date, args.client)
    out.write(moved.text())
    return EXIT_OK


def _audit(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    from ddcase.cli_audit import run

    return run(app, args, out)


COMMANDS: dict[str, Callable[[Services, argparse.Namespace, TextIO], int]] = {
    "demo": _demo,
    "import": _import,
    "export": _export,
    "figures": _figures,
    "series": _series,
    "todo": _todo,
    "report": _report,
    "measures": _measures,
    "measure-define": _measure_define,
    "measure-import": _measure_import,
    "pdsa": _pdsa,
    "check": _check,
    "backup": _backup,
    "restore": lambda app, args, out: _restore(args, out),
    "purge": _purge,
    "migrate-to": _migrate_to,
    "team-setup": _team_setup,
    "encrypt": _encrypt,
    "export-key": _export_key,
    "import-key": _import_key,
    "worker-left": _worker_left,
    "move-caseload": _move_caseload,
    "audit": _audit,
}
