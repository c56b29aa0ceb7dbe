"""Reject query parameters a route does not know (a typo such as `?stauts=` must not silently
return everything)."""

from fastapi import Request

from app.errors import Invalid


def _names(dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _names(sub)
    return names


def strict_query(request: Request) -> None:
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not request.query_params:
        return
    known = getattr(route, "_known_query", None)
    if known is None:
        known = _names(dependant)
        route._known_query = known
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise Invalid(f"Unknown query parameter(s): {', '.join(unknown)}.", field="query." + unknown[0])
