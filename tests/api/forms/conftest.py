from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from tests.invariants import violations


@pytest.fixture(autouse=True)
def _invariants_hold_after_each_test(app: FastAPI) -> Iterator[None]:
    """Whatever a test did through the API, the counters still match the rows."""
    yield
    assert violations(app.state.engine, check_org_limit=False) == []
