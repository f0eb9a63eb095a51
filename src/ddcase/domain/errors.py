"""Errors a user can read. Every message is a full sentence in UK English, with no traceback."""

from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    """A rule of the domain was broken; the message says which, in plain words."""


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ValidationError(DomainError):
    """One or more fields are not acceptable. `problems` lists them all."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class NotFoundError(DomainError):
    pass


class ConflictError(DomainError):
    """A record was changed by someone else since it was read (optimistic locking)."""


@dataclass(frozen=True, slots=True)
class ImportProblem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class ImportRejected(DomainError):
    """An import found errors; nothing was written. `problems` lists every one, or, when a file
    has very many, its first ones and a last line saying how many more; `total` counts them all."""

    def __init__(self, problems: list[ImportProblem], total: int | None = None) -> None:
        self.problems = problems
        self.total = len(problems) if total is None else total
        count = self.total
        super().__init__(
            f"Import rejected: {count:,} error{'s' if count != 1 else ''}; nothing was written.\n"
            + "\n".join(str(p) for p in problems)
        )
