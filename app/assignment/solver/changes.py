"""What a re-run changes, per person and slot; figures of the seats as they stand (pure).

A person's standing in a slot (see ``app.assignment.solver.problem``): the rank of the workshop
held there (1 = best), then "a seat not ranked", then "no seat" (worst).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.assignment.solver.problem import Prepared, Problem, Result, build_result


@dataclass(frozen=True)
class Move:
    participant: int
    slot: int
    from_workshop: int | None
    to_workshop: int | None
    from_rank: int | None  # None: not ranked (or no seat)
    to_rank: int | None


def _standing(prefs: Sequence[int], workshop: int | None) -> float:
    """Smaller is better: rank, then a seat not ranked (len + 1), then no seat (infinity)."""
    if workshop is None:
        return float("inf")
    return float(prefs.index(workshop) + 1) if workshop in prefs else float(len(prefs) + 1)


def _by_slot(problem: Problem, seats: Sequence[int]) -> dict[int, int]:
    slot = {w.id: w.slot for w in problem.workshops}
    return {slot[w]: w for w in seats}


def moves(problem: Problem, assignment: Mapping[int, Sequence[int]]) -> list[Move]:
    """Every (person, slot) whose movable seat (``problem.current``) differs in ``assignment``.

    Fixed seats never move and are left out; participant order, then slot."""
    out = []
    for p in problem.participants:
        fixed = set(problem.fixed.get(p, ()))
        before = _by_slot(problem, problem.current.get(p, ()))
        after = _by_slot(problem, [w for w in assignment.get(p, ()) if w not in fixed])
        prefs = list(problem.preferences.get(p, ()))
        for s in sorted(set(before) | set(after)):
            old, new = before.get(s), after.get(s)
            if old != new:
                out.append(Move(p, s, old, new, prefs.index(old) + 1 if old in prefs else None,
                                prefs.index(new) + 1 if new in prefs else None))
    return out


def worse_off(problem: Problem, assignment: Mapping[int, Sequence[int]]) -> list[tuple[int, int]]:
    """(person, slot) pairs whose standing in ``assignment`` is worse than with ``problem.current``."""
    bad = []
    for p, seats in problem.current.items():
        prefs = list(problem.preferences.get(p, ()))
        after = _by_slot(problem, assignment.get(p, ()))
        for s, w in _by_slot(problem, seats).items():
            if _standing(prefs, after.get(s)) > _standing(prefs, w):
                bad.append((p, s))
    return bad


def evaluate(problem: Problem, *, method: str = "current") -> Result:
    """The figures of the seats people hold now (``fixed`` and ``current``), nothing moved."""
    held = {p: [*problem.fixed.get(p, ()), *problem.current.get(p, ())] for p in problem.participants}
    prep = Prepared(Problem(problem.participants, problem.workshops, problem.preferences,
                            fixed={p: ws for p, ws in held.items() if ws}))
    return build_result(prep, [], method, status="as stored")
