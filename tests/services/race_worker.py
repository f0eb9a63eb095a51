"""One user in a separate process, for the concurrency tests: it edits one client (or adds its
own clients) as fast as it can and prints, one JSON line each, what the database acknowledged.

python -m tests.services.race_worker URL USER MODE COUNT GO_FILE
MODE "edit": reload client RACE1 and save a new consent date, COUNT times; "add": add COUNT
clients of its own. It prints "ready", waits for GO_FILE to exist, then races.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from ddcase.domain import Client, ConflictError
from ddcase.services.base import Context
from ddcase.services.casework import CaseworkService
from ddcase.storage.database import Database, database_url, make_engine


def main(url: str, user: str, mode: str, count: int, go_file: str) -> None:
    engine = make_engine(database_url(url))
    casework = CaseworkService(Context(Database(engine), user=user))
    casework.counts()  # connect before the start line
    print("ready", flush=True)
    while not Path(go_file).exists():
        time.sleep(0.005)
    offset = int(user.rsplit("-", 1)[1]) * 1000
    for i in range(count):
        if mode == "edit":
            client = casework.client("RACE1")
            consent = date(2020, 1, 1) + timedelta(days=offset // 10 + i)
            try:
                saved = casework.save_client(replace(client, consent_to_share_on=consent))
            except ConflictError:
                print(json.dumps({"conflict": True}), flush=True)
                continue
            print(json.dumps({"version": saved.version, "consent": consent.isoformat()}), flush=True)
        else:
            saved = casework.save_client(Client(f"R{offset + i}", "AB"))
            print(json.dumps({"added": saved.client_ref}), flush=True)
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
