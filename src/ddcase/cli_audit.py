"""`ddcase audit ...` (issue 17): caseload audits from the command line, each subcommand one
call of AuditService (or the audit CSV files), `--json` for scripts. Wired in by cli.py."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ddcase.domain import DomainError

if TYPE_CHECKING:
    from ddcase.domain.audits import AuditRound, CaseloadAudit
    from ddcase.services.registry import Services

ANSWER_WORDS = {
    "yes": "yes",
    "y": "yes",
    "no": "no",
    "n": "no",
    "na": "not_applicable",
    "not_applicable": "not_applicable",
}


def add_parser(commands: Any, common: argparse.ArgumentParser, month_type: Any) -> None:
    audit = commands.add_parser(
        "audit", parents=[common], help="caseload audits: define, sample, answer, show"
    )
    sub = audit.add_subparsers(
        dest="audit_command", metavar="ACTION", required=True, parser_class=type(audit)
    )
    listing = sub.add_parser("list", parents=[common], help="the audits defined")
    listing.add_argument("--json", action="store_true")
    define = sub.add_parser(
        "define", parents=[common], help="a new audit (the two built-in questions, then yours)"
    )
    define.add_argument("slug", help="a short name: lower-case letters, digits, '_' or '-'")
    define.add_argument("--name", required=True)
    define.add_argument("--team")
    define.add_argument("--question", action="append", default=[], metavar="KEY=TEXT")
    define.add_argument("--json", action="store_true")
    sample = sub.add_parser(
        "sample", parents=[common], help="draw a month's random sample from a caseload list"
    )
    sample.add_argument("slug")
    sample.add_argument("--month", type=month_type, required=True, metavar="YYYY-MM")
    sample.add_argument(
        "--caseload", type=Path, required=True, metavar="FILE", help="one person a line: reference, initials"
    )
    sample.add_argument("--size", type=int, required=True)
    sample.add_argument("--seed", type=int, help="draw again from a kept seed (default: a new random one)")
    sample.add_argument("--json", action="store_true")
    answer = sub.add_parser("answer", parents=[common], help="record a sampled person's answers")
    answer.add_argument("slug")
    answer.add_argument("--month", type=month_type, required=True, metavar="YYYY-MM")
    answer.add_argument("--client", required=True, metavar="REF")
    answer.add_argument("--answer", action="append", required=True, metavar="QUESTION=yes|no|na")
    show = sub.add_parser("show", parents=[common], help="a month's sample and answers")
    show.add_argument("slug")
    show.add_argument("--month", type=month_type, required=True, metavar="YYYY-MM")
    show.add_argument("--json", action="store_true")
    exp = sub.add_parser(
        "export", parents=[common], help="write the audits to audits.csv, audit_cases.csv, audit_answers.csv"
    )
    exp.add_argument("folder", type=Path)
    imp = sub.add_parser("import", parents=[common], help="read those files (all or nothing)")
    imp.add_argument("folder", type=Path)


def run(app: Services, args: argparse.Namespace, out: TextIO) -> int:
    from ddcase.domain.audits import Answer, AuditQuestion
    from ddcase.rules.audits import read_caseload

    service = app.audits
    command = args.audit_command
    if command == "list":
        audits = service.audits()
        if args.json:
            _json(out, {"audits": [_audit_json(a) for a in audits]})
        else:
            for a in audits:
                print(f"{a.slug}: {a.name}" + (f" ({a.team})" if a.team else ""), file=out)
        return 0
    if command == "define":
        questions = []
        for item in args.question:
            key, sep, text = item.partition("=")
            if not sep:
                raise DomainError(f"--question {item}: give KEY=TEXT.")
            questions.append(AuditQuestion(key, text))
        made = service.define(args.slug, args.name, args.team, questions)
        if args.json:
            _json(out, _audit_json(made))
        else:
            print(f"Defined the audit {made.slug} with {len(made.questions)} questions.", file=out)
        return 0
    if command == "sample":
        try:
            text = args.caseload.read_text(encoding="utf-8-sig")
        except OSError as error:
            raise DomainError(f"Cannot read {args.caseload}: {error.strerror}.") from None
        drawn = service.draw(args.slug, args.month, read_caseload(text), args.size, args.seed)
        if args.json:
            _json(out, _round_json(drawn))
        else:
            print(
                f"Drew {len(drawn.sample)} of {len(drawn.caseload)} for {drawn.month.label()} "
                f"(seed {drawn.seed}): {', '.join(c.client_ref for c in drawn.sample)}",
                file=out,
            )
        return 0
    if command == "answer":
        answers = {}
        for item in args.answer:
            key, sep, word = item.partition("=")
            if not sep or word.strip().lower() not in ANSWER_WORDS:
                raise DomainError(f"--answer {item}: give QUESTION=yes, no or na.")
            answers[key.strip()] = Answer(ANSWER_WORDS[word.strip().lower()])
        service.answer(args.slug, args.month, args.client, answers)
        print(f"Saved {len(answers)} answers for {args.client}.", file=out)
        return 0
    if command == "show":
        drawn = service.round(args.slug, args.month)
        if args.json:
            _json(out, _round_json(drawn))
        else:
            keys = [q.key for q in drawn.audit.questions]
            print(f"{drawn.audit.name}, {drawn.month.label()} (seed {drawn.seed}):", file=out)
            for case in drawn.sample:
                said = ", ".join(f"{k}={case.answers[k].value if k in case.answers else '-'}" for k in keys)
                print(f"  {case.client_ref} {case.initials}: {said}", file=out)
        return 0
    from ddcase.services.audit_files import AuditFiles

    files = AuditFiles(app.context)
    if command == "export":
        print(files.export_folder(args.folder), file=out)
    else:
        print(files.import_folder(args.folder), file=out)
    return 0


def _json(out: TextIO, value: Any) -> None:
    out.write(json.dumps(value))
    out.write("\n")


def _audit_json(a: CaseloadAudit) -> dict[str, Any]:
    return {
        "slug": a.slug,
        "name": a.name,
        "team": a.team,
        "questions": [{"key": q.key, "text": q.text} for q in a.questions],
    }


def _round_json(r: AuditRound) -> dict[str, Any]:
    return {
        "audit": r.audit.slug,
        "month": str(r.month),
        "seed": r.seed,
        "sample_size": r.sample_size,
        "caseload": len(r.caseload),
        "sample": [
            {
                "client_ref": c.client_ref,
                "initials": c.initials,
                "answers": {k: v.value for k, v in c.answers.items()},
            }
            for c in r.sample
        ],
    }
