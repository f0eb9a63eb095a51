"""`ddcase audit export FOLDER` / `ddcase audit import FOLDER` (issue 17): the caseload audits as
three CSV files, under the same rules as SPEC §3's files (UTF-8, a byte-order mark accepted,
columns exact and in any order, unknown columns an error, formula cells escaped, and all or
nothing: every problem reported as FILE:LINE: column: message, and then nothing written).

- `audits.csv`: `audit`*, `name`*, `team`, `question`*, `text`* (one row a question, in order)
- `audit_cases.csv`: `audit`*, `month`*, `seed`*, `sample_size`*, `client_ref`*, `initials`*,
  `sampled` (`yes`/`no`): each month's caseload list; `sampled` must be the sample the seed gives
- `audit_answers.csv`: `audit`*, `month`*, `client_ref`*, `question`*, `answer`* (`yes`, `no`,
  `not_applicable`)

Audits are matched by `audit`, rounds by audit and month, answers by audit, month, person and
question; a matched record is updated (an audit's questions must be the same keys), so importing
the same folder twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ddcase.domain import DomainError, ImportProblem, ImportRejected, Month
from ddcase.domain.audits import Answer, CaseloadEntry
from ddcase.rules.audits import draw_sample, key_problem
from ddcase.services.base import Context, audit_change, changed_by
from ddcase.services.transfer.cells import WHOLE_ROW, clean, escape_cell
from ddcase.services.transfer.reading import csv_error_text
from ddcase.storage import caseload_audits, records
from ddcase.storage.database import Session
from ddcase.storage.files import write_private

AUDITS, CASES, ANSWERS = "audits.csv", "audit_cases.csv", "audit_answers.csv"
COLUMNS: dict[str, tuple[str, ...]] = {
    AUDITS: ("audit", "name", "team", "question", "text"),
    CASES: ("audit", "month", "seed", "sample_size", "client_ref", "initials", "sampled"),
    ANSWERS: ("audit", "month", "client_ref", "question", "answer"),
}
REQUIRED: dict[str, frozenset[str]] = {
    AUDITS: frozenset({"audit", "name", "question", "text"}),
    CASES: frozenset({"audit", "month", "seed", "sample_size", "client_ref", "initials"}),
    ANSWERS: frozenset(COLUMNS[ANSWERS]),
}


@dataclass(frozen=True, slots=True)
class AuditFilesSummary:
    folder: Path
    audits: int
    cases: int
    answers: int
    written: bool

    def __str__(self) -> str:
        what = "Wrote" if self.written else "Read"
        return (
            f"{what} {self.audits} audits, {self.cases} caseload entries and {self.answers} answers "
            f"({', '.join(COLUMNS)}) {'to' if self.written else 'from'} {self.folder}."
        )


class AuditFiles:
    def __init__(self, context: Context) -> None:
        self._context = context
        self._db = context.db

    # ------------------------------------------------------------------ export

    def export_folder(self, folder: Path) -> AuditFilesSummary:
        folder = Path(folder)
        if folder.exists() and not folder.is_dir():
            raise DomainError(f"{folder} is a file, not a folder; nothing was exported.")
        folder.mkdir(parents=True, mode=0o700, exist_ok=True)
        tables: dict[str, list[list[str]]] = {file: [] for file in COLUMNS}
        with self._db.write() as session:
            for found in caseload_audits.audits(session):
                row = caseload_audits.audit_row(session, found.slug)
                assert row is not None and row.id is not None
                for q in found.questions:
                    tables[AUDITS].append([found.slug, found.name, found.team or "", q.key, q.text])
                for round_row in caseload_audits.rounds(session, row.id):
                    drawn = caseload_audits.round_value(session, found, row.id, round_row)
                    sampled = {c.client_ref: c for c in drawn.sample}
                    for entry in drawn.caseload:
                        tables[CASES].append(
                            [
                                found.slug,
                                round_row.month,
                                str(drawn.seed),
                                str(drawn.sample_size),
                                entry.client_ref,
                                entry.initials,
                                "yes" if entry.client_ref in sampled else "no",
                            ]
                        )
                    for case in sorted(drawn.sample, key=lambda c: c.client_ref):
                        for q in found.questions:
                            if q.key in case.answers:
                                tables[ANSWERS].append(
                                    [
                                        found.slug,
                                        round_row.month,
                                        case.client_ref,
                                        q.key,
                                        case.answers[q.key].value,
                                    ]
                                )
            for file, rows in tables.items():
                out = io.StringIO(newline="")
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow(COLUMNS[file])
                writer.writerows([escape_cell(cell) for cell in row] for row in rows)
                write_private(folder / file, out.getvalue().encode("utf-8"))
            summary = AuditFilesSummary(
                folder, len({r[0] for r in tables[AUDITS]}), len(tables[CASES]), len(tables[ANSWERS]), True
            )
            self._audit(session, "export", folder.name, summary)
        return summary

    # ------------------------------------------------------------------ import

    def import_folder(self, folder: Path) -> AuditFilesSummary:
        folder = Path(folder)
        problems: list[ImportProblem] = []
        tables = {file: _read(folder / file, file, problems) for file in COLUMNS}

        def problem(file: str, line: int, column: str, message: str) -> None:
            problems.append(ImportProblem(file, line, column, message))

        audits = _audits(tables[AUDITS], problem)
        rounds = _rounds(tables[CASES], audits, problem)
        answers = _answers(tables[ANSWERS], audits, rounds, problem)
        with self._db.write() as session:
            for slug, (line, _name, _team, questions) in audits.items():
                existing = caseload_audits.audit_row(session, slug)
                if existing is not None and existing.id is not None:
                    keys = [q.key for q in caseload_audits.question_rows(session, existing.id)]
                    if keys != [k for k, _ in questions]:
                        problem(
                            AUDITS, line, "question", f"{slug} in the log has the questions {', '.join(keys)}"
                        )
            for (slug, month), (line, seed, size, caseload, _) in rounds.items():
                existing = caseload_audits.audit_row(session, slug)
                if existing is None or existing.id is None:
                    continue
                stored = caseload_audits.round_row(session, existing.id, month)
                if stored is not None and stored.id is not None:
                    people = {
                        (c.client_ref, c.initials) for c in caseload_audits.case_rows(session, stored.id)
                    }
                    if (stored.seed, stored.sample_size, people) != (
                        seed,
                        size,
                        {(e.client_ref, e.initials) for e in caseload},
                    ):
                        problem(
                            CASES,
                            line,
                            WHOLE_ROW,
                            f"{slug} {month} in the log was drawn from another list or seed",
                        )
            if problems:
                raise ImportRejected(sorted(problems, key=lambda p: (list(COLUMNS).index(p.file), p.line)))
            written = self._write(session, audits, rounds, answers)
            summary = AuditFilesSummary(
                folder, len(audits), sum(len(r[3]) for r in rounds.values()), written, False
            )
            self._audit(session, "import", folder.name, summary)
        return summary

    @staticmethod
    def snapshot(session: Session) -> tuple[dict[str, Any], dict[tuple[str, Month], Any], dict[Any, Answer]]:
        """Every audit, round and answer of the log, shaped as an import reads them (migrate-to)."""
        audits: dict[str, Any] = {}
        rounds: dict[tuple[str, Month], Any] = {}
        answers: dict[Any, Answer] = {}
        for found in caseload_audits.audits(session):
            row = caseload_audits.audit_row(session, found.slug)
            assert row is not None and row.id is not None
            audits[found.slug] = (0, found.name, found.team, [(q.key, q.text) for q in found.questions])
            for round_row in caseload_audits.rounds(session, row.id):
                drawn = caseload_audits.round_value(session, found, row.id, round_row)
                positions = {c.client_ref: c.position for c in drawn.sample}
                rounds[(found.slug, drawn.month)] = (
                    0,
                    drawn.seed,
                    drawn.sample_size,
                    list(drawn.caseload),
                    positions,
                )
                for case in drawn.sample:
                    for key, value in case.answers.items():
                        answers[(found.slug, drawn.month, case.client_ref, key)] = value
        return audits, rounds, answers

    def add_missing(
        self, session: Session, snapshot: tuple[dict[str, Any], dict[Any, Any], dict[Any, Answer]]
    ) -> None:
        """Add what `snapshot` holds and the log lacks: audits, rounds, answers (what the log
        already has is left as it is). Part of the caller's transaction."""
        audits, rounds, answers = snapshot
        self._write(session, audits, rounds, answers, only_missing=True)

    def _write(
        self,
        session: Session,
        audits: dict[str, Any],
        rounds: dict[tuple[str, Month], Any],
        answers: dict[Any, Answer],
        *,
        only_missing: bool = False,
    ) -> int:
        ids: dict[str, int] = {}
        question_ids: dict[tuple[str, str], int] = {}
        for slug, (_, name, team, questions) in audits.items():
            row = caseload_audits.audit_row(session, slug)
            if row is None or ((row.name, row.team) != (name, team) and not only_missing):
                row = caseload_audits.put_audit(
                    session, row, slug, name, team, at=self._context.now(), by=changed_by(self._context)
                )
            records.flush(session)
            assert row.id is not None
            ids[slug] = row.id
            stored = {q.key: q for q in caseload_audits.question_rows(session, row.id)}
            for position, (key, text) in enumerate(questions):
                question_ids[(slug, key)] = caseload_audits.put_question(
                    session, stored.get(key), row.id, key, text, position
                )
        case_ids: dict[tuple[str, Month, str], int] = {}
        for (slug, month), (_, seed, size, caseload, sampled) in rounds.items():
            round_row = caseload_audits.round_row(session, ids[slug], month)
            if round_row is None:
                round_row = caseload_audits.add_round(
                    session,
                    ids[slug],
                    month,
                    seed,
                    size,
                    caseload,
                    sampled,
                    at=self._context.now(),
                    by=changed_by(self._context),
                )
            assert round_row.id is not None
            for case in caseload_audits.case_rows(session, round_row.id):
                assert case.id is not None
                case_ids[(slug, month, case.client_ref)] = case.id
        for (slug, month, ref, key), value in answers.items():
            if (slug, month, ref) not in case_ids or (slug, key) not in question_ids:
                continue  # migrate-to: the team's own round of that month holds other people
            case_id, question_id = case_ids[(slug, month, ref)], question_ids[(slug, key)]
            given = caseload_audits.answer_rows(session, case_id).get(question_id)
            if given is not None and (given.answer == value.value or only_missing):
                continue
            caseload_audits.put_answer(
                session,
                given,
                case_id,
                question_id,
                value.value,
                at=self._context.now(),
                by=changed_by(self._context),
            )
        records.flush(session)
        return len(answers)

    def _audit(self, session: Session, action: str, key: str, summary: AuditFilesSummary) -> None:
        audit_change(
            self._context,
            session,
            action=action,
            entity="caseload_audit_files",
            key=key[:120],
            after={"audits": summary.audits, "cases": summary.cases, "answers": summary.answers},
        )


Problem = Callable[[str, int, str, str], None]
Rows = list[tuple[int, dict[str, str]]]


def _read(path: Path, file: str, problems: list[ImportProblem]) -> Rows:
    """The file's rows by line number, after checking its header; a missing file is no rows."""
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        problems.append(ImportProblem(file, 1, WHOLE_ROW, f"could not be read as UTF-8 text: {error}"))
        return []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: Rows = []
    header: list[str] | None = None
    line = 1
    try:
        for cells in reader:
            if header is None:
                header = [c.strip() for c in cells]
                for name in header:
                    if name and name not in COLUMNS[file]:
                        problems.append(
                            ImportProblem(
                                file, 1, name, f"unknown column; the columns are {', '.join(COLUMNS[file])}"
                            )
                        )
                for name in sorted(REQUIRED[file] - set(header), key=COLUMNS[file].index):
                    problems.append(
                        ImportProblem(file, 1, name, "this required column is missing from the header")
                    )
            elif any(c.strip() for c in cells):
                if len(cells) != len(header):
                    problems.append(
                        ImportProblem(
                            file,
                            line,
                            WHOLE_ROW,
                            f"this row has {len(cells)} cells but the header has {len(header)}",
                        )
                    )
                else:
                    rows.append(
                        (line, {name: clean(cell) for name, cell in zip(header, cells, strict=True) if name})
                    )
            line = reader.line_num + 1
    except csv.Error as error:
        problems.append(ImportProblem(file, reader.line_num, WHOLE_ROW, csv_error_text(error)))
    return rows


def _audits(rows: Rows, problem: Problem) -> dict[str, tuple[int, str, str | None, list[tuple[str, str]]]]:
    found: dict[str, tuple[int, str, str | None, list[tuple[str, str]]]] = {}
    for line, cells in rows:
        slug, name, team = cells.get("audit", ""), cells.get("name", ""), cells.get("team", "") or None
        key, text = cells.get("question", ""), cells.get("text", "")
        bad = False
        for column, value in (("audit", slug), ("question", key)):
            if (message := key_problem(value)) is not None:
                problem(AUDITS, line, column, message)
                bad = True
        if not name:
            problem(AUDITS, line, "name", "required")
            bad = True
        if not text:
            problem(AUDITS, line, "text", "required")
            bad = True
        if bad:
            continue
        first = found.setdefault(slug, (line, name, team, []))
        if (first[1], first[2]) != (name, team):
            problem(AUDITS, line, "name", f"{slug} has another name or team on line {first[0]}")
        elif key in {k for k, _ in first[3]}:
            problem(AUDITS, line, "question", f"{key} is already a question of {slug}")
        else:
            first[3].append((key, text))
    return found


def _month(text: str) -> Month | None:
    try:
        return Month.parse(text)
    except DomainError:
        return None


def _rounds(
    rows: Rows, audits: dict[str, Any], problem: Problem
) -> dict[tuple[str, Month], tuple[int, int, int, list[CaseloadEntry], dict[str, int]]]:
    grouped: dict[tuple[str, Month], list[tuple[int, int, int, CaseloadEntry, bool]]] = defaultdict(list)
    for line, cells in rows:
        slug, month = cells.get("audit", ""), _month(cells.get("month", ""))
        seed, size = cells.get("seed", ""), cells.get("sample_size", "")
        ref, initials, sampled = (
            cells.get("client_ref", ""),
            cells.get("initials", ""),
            cells.get("sampled", ""),
        )
        ok = True
        if slug not in audits:
            problem(CASES, line, "audit", f"no audit {slug or '(blank)'} in audits.csv")
            ok = False
        if month is None:
            problem(CASES, line, "month", "a month is YYYY-MM")
            ok = False
        if not seed.isdigit() or int(seed) >= 2**31:
            problem(CASES, line, "seed", "a whole number from 0 to 2147483647")
            ok = False
        if not size.isdigit() or not 1 <= int(size) <= 500:
            problem(CASES, line, "sample_size", "a whole number from 1 to 500")
            ok = False
        if not ref or len(ref) > 20:
            problem(CASES, line, "client_ref", "required, at most 20 characters")
            ok = False
        if not initials.isalpha() or len(initials) > 6:
            problem(CASES, line, "initials", "1 to 6 letters")
            ok = False
        if sampled not in ("", "yes", "no"):
            problem(CASES, line, "sampled", "yes or no")
            ok = False
        if ok:
            assert month is not None
            grouped[(slug, month)].append(
                (line, int(seed), int(size), CaseloadEntry(ref, initials.upper()), sampled == "yes")
            )
    found = {}
    for (slug, month), entries in grouped.items():
        line, first_seed, first_size = entries[0][0], entries[0][1], entries[0][2]
        refs: set[str] = set()
        for other_line, other_seed, other_size, entry, _ in entries:
            if (other_seed, other_size) != (first_seed, first_size):
                problem(CASES, other_line, "seed", f"{slug} {month} has another seed or size on line {line}")
            if entry.client_ref in refs:
                problem(
                    CASES, other_line, "client_ref", f"{entry.client_ref} is listed twice for {slug} {month}"
                )
            refs.add(entry.client_ref)
        caseload = [e[3] for e in entries]
        drawn = draw_sample(caseload, first_size, first_seed)
        if {e.client_ref for e in drawn} != {e[3].client_ref for e in entries if e[4]}:
            problem(
                CASES,
                line,
                "sampled",
                f"{slug} {month}: not the sample that seed {first_seed} draws from this list",
            )
        found[(slug, month)] = (
            line,
            first_seed,
            first_size,
            caseload,
            {e.client_ref: i for i, e in enumerate(drawn)},
        )
    return found


def _answers(
    rows: Rows, audits: dict[str, Any], rounds: dict[tuple[str, Month], Any], problem: Problem
) -> dict[tuple[str, Month, str, str], Answer]:
    found: dict[tuple[str, Month, str, str], Answer] = {}
    lines: dict[tuple[str, Month, str, str], int] = {}
    for line, cells in rows:
        slug, month = cells.get("audit", ""), _month(cells.get("month", ""))
        ref, key, word = cells.get("client_ref", ""), cells.get("question", ""), cells.get("answer", "")
        if month is None:
            problem(ANSWERS, line, "month", "a month is YYYY-MM")
            continue
        round_ = rounds.get((slug, month))
        if round_ is None:
            problem(
                ANSWERS, line, "month", f"no sample of {slug or '(blank)'} for {month} in audit_cases.csv"
            )
            continue
        if ref not in round_[4]:
            problem(ANSWERS, line, "client_ref", f"{ref or '(blank)'} is not in {slug} {month}'s sample")
            continue
        if key not in {k for k, _ in audits[slug][3]}:
            problem(ANSWERS, line, "question", f"no question {key or '(blank)'} in {slug}")
            continue
        if word not in {a.value for a in Answer}:
            problem(ANSWERS, line, "answer", "yes, no or not_applicable")
            continue
        index = (slug, month, ref, key)
        if index in found:
            problem(ANSWERS, line, WHOLE_ROW, f"this answer is already given on line {lines[index]}")
            continue
        found[index], lines[index] = Answer(word), line
    return found
