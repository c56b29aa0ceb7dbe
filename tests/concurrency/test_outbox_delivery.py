"""The outbox under real processes: a registration rush on the multi-worker server has every
message delivered once by the workers' deliverers; a deliverer killed mid-batch loses nothing."""

import email
import email.policy
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.main import create_app
from app.messages.models import OutboxMessage
from app.settings import Settings
from tests.concurrency.server import ROOT, LiveServer
from tests.dbutil import reset
from tests.factories import EVENT, person
from tests.mailbox import mailbox

pytestmark = pytest.mark.slow


def _message_ids(folder: Path, marker: str) -> list[str]:
    ids = []
    for path in folder.glob("*.eml"):
        mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if marker in str(mail["To"]):
            ids.append(str(mail["Message-ID"]))
    return ids


def test_rush_messages_are_each_delivered_once_by_the_workers(live: LiveServer) -> None:
    with live.client() as client:
        event = client.post(
            "/api/v1/events", json={**EVENT, "slug": "outbox-rush", "capacity": 40}, headers=live.admin
        ).json()
        url = f"/api/v1/events/{event['id']}/registrations"

        def register(i: int) -> int:
            body = person(i, email=f"outbox-rush-{i}@example.org")
            return client.post(url, json=body).status_code

        with ThreadPoolExecutor(16) as pool:
            assert set(pool.map(register, range(60))) == {201}
        deadline = time.monotonic() + 60
        messages = f"/api/v1/events/{event['id']}/messages"
        while client.get(messages, params={"status": "pending", "limit": 1}, headers=live.admin).json()["total"]:
            assert time.monotonic() < deadline, "the workers did not deliver the rush's messages in 60 s"
            time.sleep(0.2)
        sent = client.get(messages, params={"status": "sent", "limit": 500}, headers=live.admin).json()
        assert sent["total"] == 60
        assert sum(1 for m in sent["items"] if m["subject"].startswith("Lista rezerwowa")) == 20
    assert live.outbox_dir is not None
    ids = _message_ids(live.outbox_dir, "outbox-rush-")
    assert len(ids) == 60 and len(set(ids)) == 60  # four processes delivering, none twice


def test_a_worker_killed_mid_batch_loses_nothing(settings: Settings, admin: dict[str, str]) -> None:
    app = create_app(settings)
    reset(app.state.engine)
    with mailbox() as box:
        box.delay = 0.5
        try:
            with TestClient(app, raise_server_exceptions=False) as client:
                event = client.post("/api/v1/events", json=EVENT, headers=admin).json()
                for i in range(12):
                    assert client.post(f"/api/v1/events/{event['id']}/registrations", json=person(i)).status_code == 201
            env = {
                **os.environ,
                "DATABASE_URL": settings.database_url,
                "SMTP_URL": box.url.get_secret_value(),
                "OUTBOX_DISPATCH": "off",
                "OUTBOX_CONCURRENCY": "2",
                "OUTBOX_LEASE_SECONDS": "4",
                "OUTBOX_POLL_SECONDS": "0.1",
                "LOG_LEVEL": "WARNING",
            }
            worker = subprocess.Popen(
                [sys.executable, "-m", "app.worker"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                deadline = time.monotonic() + 30
                while len(box.messages) < 3:
                    assert time.monotonic() < deadline and worker.poll() is None
                    time.sleep(0.05)
            finally:  # in the middle of the batch (and never left running when the wait failed)
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait()
            got_before = len(box.messages)
            assert got_before < 12
            time.sleep(4.5)  # the dead worker's leases run out (an attempt may take half a lease: 2 s)
            box.delay = 0.0
            again = subprocess.run(
                [sys.executable, "-m", "app.worker", "--once"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert again.returncode == 0, again.stderr
            with Session(app.state.engine) as db:
                rows = db.exec(select(OutboxMessage)).all()
            assert len(rows) == 12 and {r.status for r in rows} == {"sent"}
            ids = [str(m["Message-ID"]) for m in box.messages]
            assert len(set(ids)) == 12  # every message arrived
            assert len(ids) - 12 <= 2  # repeats only of what was in flight at the kill (2 at once)
        finally:
            app.state.engine.dispose()
