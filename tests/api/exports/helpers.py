"""Shared helpers for export and check-in tests."""

import csv
import io
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import make_event, register

# (last name, first name), registered in this (non-alphabetical) order.
PEOPLE = [
    ("Żak", "Łucja"),
    ("Łukasz", "Ewa"),
    ("Lis", "Ścibor"),
    ("Zając", "Ąnna"),
    ("Lewandowski", "Jan"),
    ("Śliwa", "Żaneta"),
    ("Łęcki", "Ignacy"),
    ("Sowa", "Ola"),
    ("Źrebiec", "Ćwirek"),
]
POLISH_ORDER = ["Lewandowski", "Lis", "Łęcki", "Łukasz", "Sowa", "Śliwa", "Zając", "Źrebiec", "Żak"]


def key(client: TestClient, admin: dict[str, str], role: str) -> dict[str, str]:
    r = client.post("/api/v1/organizer-keys", json={"name": f"{role} device", "role": role}, headers=admin)
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['key']}"}


def seed(client: TestClient, admin: dict[str, str], **event: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """An event with the Polish test people, all confirmed."""
    ev = make_event(client, admin, **event)
    regs = [
        register(
            client,
            ev["id"],
            i,
            last_name=last,
            first_name=first,
            email=f"osoba{i}@example.pl",
            organization=f"Gmina {'Łódź' if i % 2 else 'Śrem'}",
        )
        for i, (last, first) in enumerate(PEOPLE, start=1)
    ]
    return ev, regs


def parse_csv(body: bytes, delimiter: str = ",") -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf"), body[:10]
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=delimiter))
