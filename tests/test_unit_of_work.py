"""The unit of work (app/db.py: unit_of_work, app/transactions.py): begin, commit, roll back and
run again after a transient collision, a bounded number of times; the CLI and the deliverer use
it as the routes do (TransactionRoute)."""

import pytest
from sqlalchemy import text

from app.db import make_engine, unit_of_work
from app.errors import TransactionCollided
from app.settings import Settings
from app.transactions import ATTEMPTS


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(Settings(database_url=f"sqlite:///{tmp_path / 'uow.db'}"))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE seats (n INTEGER)"))
    yield engine
    engine.dispose()


def _rows(engine) -> list[int]:
    with engine.connect() as conn:
        return [n for (n,) in conn.execute(text("SELECT n FROM seats ORDER BY n"))]


def test_a_collision_runs_the_whole_unit_again_and_commits_once(engine):
    attempts: list[int] = []

    def work(db):
        attempts.append(len(attempts) + 1)
        db.execute(text("INSERT INTO seats VALUES (:n)"), {"n": len(attempts)})
        if len(attempts) == 1:
            raise TransactionCollided("the seat went meanwhile")
        return "done"

    assert unit_of_work(engine, work) == "done"
    assert attempts == [1, 2] and _rows(engine) == [2]  # the first attempt left nothing behind


def test_other_errors_roll_back_at_once_and_collisions_give_up_after_the_last_attempt(engine):
    calls: list[str] = []

    def broken(db):
        calls.append("broken")
        db.execute(text("INSERT INTO seats VALUES (1)"))
        raise ValueError("a bug, not a collision")

    with pytest.raises(ValueError):
        unit_of_work(engine, broken)

    def always_colliding(db):
        calls.append("colliding")
        db.execute(text("INSERT INTO seats VALUES (2)"))
        raise TransactionCollided("again")

    with pytest.raises(TransactionCollided):
        unit_of_work(engine, always_colliding)
    assert calls == ["broken"] + ["colliding"] * ATTEMPTS and _rows(engine) == []
