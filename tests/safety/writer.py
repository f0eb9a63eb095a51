"""A ddcase process that writes until it is killed, printing `ack KIND KEY` for each write only
after the service call returned (the write is then promised to the user).

    python writer.py DB edits PREFIX     clients, episodes and contacts through CaseworkService
    python writer.py DB import PREFIX    folders of CSV files through TransferService (all or nothing)

With WRITER_PAUSE_S set, the writer pauses that long after each write, as a person would: a loop
that writes without pause can hold SQLite's write lock for longer than another process's busy
timeout on a loaded machine.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

IMPORT_BATCH = 5


def run(db: str, mode: str, prefix: str, out=None) -> None:  # type: ignore[no-untyped-def]
    from ddcase.cli import open_services
    from ddcase.domain import Client, Contact, ContactKind, ContactMode, Episode, Service, Worker

    out = out or sys.stdout
    pause = float(os.environ.get("WRITER_PAUSE_S", "0"))
    app = open_services(db)
    mh, sm = f"MH {prefix}", f"SM {prefix}"
    names = {w.name for w in app.casework.workers()}
    if mh not in names:
        app.casework.save_worker(Worker(mh, "CMHT", Service.MENTAL_HEALTH))
        app.casework.save_worker(Worker(sm, "DAS", Service.SUBSTANCE_MISUSE))
    start = len([c for c in app.casework.clients() if c.client_ref.startswith(prefix)])
    folder = Path(tempfile.mkdtemp(prefix="ddcase-writer-"))
    i = start
    while True:
        i += 1
        if mode == "import":
            batch = f"{prefix}{i}"
            _write_folder(folder, batch, mh, sm)
            app.transfer.import_folder(folder)
            print(f"ack import {batch}", file=out, flush=True)
            time.sleep(pause)
            continue
        ref = f"{prefix}{i}"
        app.casework.save_client(Client(ref, "ZZ", consent_to_share_on=date(2024, 1, 1)))
        print(f"ack client {ref}", file=out, flush=True)
        app.casework.save_episode(
            Episode(ref, Service.MENTAL_HEALTH, "CMHT", date(2024, 1, 1), team="North", worker=mh)
        )
        print(f"ack episode {ref}", file=out, flush=True)
        app.casework.save_contact(
            Contact(
                ref, date(2024, 2, 1), ContactKind.LIAISON, ContactMode.TELEPHONE, mh_worker=mh, sm_worker=sm
            )
        )
        print(f"ack contact {ref}", file=out, flush=True)
        time.sleep(pause)


def _write_folder(folder: Path, batch: str, mh: str, sm: str) -> None:
    clients = ["client_ref,initials,consent_to_share_on"]
    episodes = ["client_ref,service,organisation,team,worker,start_date"]
    for n in range(IMPORT_BATCH):
        ref = f"{batch}-{n}"
        clients.append(f"{ref},ZZ,2024-01-01")
        episodes.append(f"{ref},mental_health,CMHT,North,{mh},2024-01-01")
        episodes.append(f"{ref},substance_misuse,DAS,,{sm},2024-01-02")
    for name, lines in (("clients.csv", clients), ("episodes.csv", episodes)):
        tmp = folder / (name + ".tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(tmp, folder / name)


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2], sys.argv[3])
