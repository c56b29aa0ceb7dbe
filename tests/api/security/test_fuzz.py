"""Fuzz every operation of the OpenAPI document with schemathesis (bounded, deterministic).

No answer may be a 5xx, and every answer must match the documented status codes, content
types and schemas; schema-invalid input (negative mode) must be rejected with a 4xx.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.voting.test_polls import make_poll
from tests.factories import make_event, make_session, register

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES = 8  # per operation and mode


def _is_participant(path: str) -> bool:
    return path.startswith("/api/v1/me") or path.endswith(("/ballot", "/proposals"))


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_fuzz_every_operation(app, client, admin, mode):
    event = make_event(client, admin)
    make_session(client, admin, event["id"])
    make_poll(client, admin, event["id"])
    me = {"Authorization": f"Bearer {register(client, event['id'], 1)['token']}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    tried, failures = 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        headers = me if _is_participant(operation.path) else admin

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            nonlocal tried
            tried += 1
            # A case that negates the credential itself must go out without ours.
            own = {} if schema.is_security_param_negated(case) else headers  # noqa: B023 - run() is called below, in this iteration
            case.call_and_validate(headers={**own, **(case.headers or {})}, checks=CHECKS)

        try:
            run()
        except Unsatisfiable:
            assert mode == GenerationMode.NEGATIVE, operation.path  # nothing to break in e.g. GET /healthz
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    print(f"schemathesis {mode.value}: {tried} cases over {len(list(schema.get_all_operations()))} operations")
    assert tried > 100
    assert not failures, "\n\n".join(failures)
