"""The audit trail's witness, as `ddcase check`, the exports and a restore use it: which keeper
(storage/witness.py) a database has, and what the witness says of the trail now."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ddcase.domain.format import short_date_text
from ddcase.domain.times import uk_date
from ddcase.storage import audit
from ddcase.storage.database import Database, Session, engine_path, location_of
from ddcase.storage.witness import TrailKeeper, Witness

TRAIL_FOLDER = "trail"


def keeper_at(location: str) -> TrailKeeper:
    from ddcase.paths import config_dir

    return TrailKeeper(config_dir() / TRAIL_FOLDER, location)


def keeper_for(db: Database) -> TrailKeeper:
    path = engine_path(db.engine)
    return keeper_at(
        str(path.resolve()) if path is not None else location_of(db.engine.url.render_as_string())
    )


def keeper_for_file(path: Path) -> TrailKeeper:
    return keeper_at(str(path.resolve()))


def with_keeper(db: Database) -> Database:
    """The database with its trail keeper set (the composition root and restore call this)."""
    if db.trail is None:
        db.trail = keeper_for(db)
    return db


def seen_on(witness: Witness) -> str:
    """'3 Dec 2026' in UK local time (domain/times.py)."""
    return short_date_text(uk_date(datetime.fromisoformat(witness.seen_at)))


def witness_problem(session: Session, witness: Witness | None) -> str | None:
    """What the witness says is wrong with the trail now: wiped, shortened or rewritten; None
    when the trail still holds the entry it saw."""
    if witness is None:
        return None
    head = audit.head(session)
    when = seen_on(witness)
    if head is None:
        return f"the trail is empty but entry #{witness.seq} was seen on {when}: it was wiped"
    if head[0] < witness.seq:
        return (
            f"the trail ends at #{head[0]} but #{witness.seq} was seen on {when}: "
            f"{witness.seq - head[0]} entries were removed from its end"
        )
    seen = head[1] if head[0] == witness.seq else audit.hash_at(session, witness.seq)
    if seen != witness.hash:
        return f"entry #{witness.seq} is not the one seen on {when}: the trail was rewritten"
    return None
