"""Reject query parameters a route does not know (a typo such as `?stauts=` must not silently
return everything), and control characters in any query value (PostgreSQL cannot compare a
string with NUL; 422 names the parameter)."""

from fastapi import Request
from fastapi.dependencies.models import Dependant

from app.common.types import control_error
from app.errors import Invalid


def _names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _names(sub)
    return names


async def strict_query(request: Request) -> None:
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if route is None or dependant is None or not request.query_params:
        return
    known = getattr(route, "_known_query", None)
    if known is None:
        known = _names(dependant)
        route._known_query = known
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise Invalid(f"Unknown query parameter(s): {', '.join(unknown)}.", field="query." + unknown[0])
    for name, value in request.query_params.multi_items():
        if problem := control_error(value):
            raise Invalid(f"Query parameter {name}: {problem}.", field="query." + name)
