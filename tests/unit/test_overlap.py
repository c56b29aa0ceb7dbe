from datetime import UTC, datetime, timedelta

from app.sessions.service import overlaps

T0 = datetime(2022, 11, 29, 13, 0, tzinfo=UTC)
H = timedelta(hours=1)


def test_overlap_cases():
    assert overlaps(T0, T0 + 2 * H, T0 + H, T0 + 3 * H)
    assert overlaps(T0, T0 + 3 * H, T0 + H, T0 + 2 * H)  # containment
    assert overlaps(T0, T0 + H, T0, T0 + H)  # identical
    assert not overlaps(T0, T0 + H, T0 + H, T0 + 2 * H)  # back to back is not parallel
    assert not overlaps(T0 + 2 * H, T0 + 3 * H, T0, T0 + H)
