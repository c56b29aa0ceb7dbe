"""What a re-run changes, per person and slot; the figures of any assignment (pure).

A person's standing in a slot (see ``app.assignment.solver.problem``): the rank of the workshop
held there (1 = best), then "a seat not ranked", then "no seat" (worst).

``figures`` counts the ranks of a run's assignment and of the seats as they stand in one way, so
the two always agree: the rank of a workshop is the position of its topic among the distinct
topics of the person's list, in order of first appearance (sessions of one topic in several
slots are one choice; a workshop without a topic is its own). Without repeated topics in a list
that is the list position.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.assignment.solver.problem import Prepared, Problem, Result, build_result


@dataclass(frozen=True)
class Figures:
    assigned: int  # participants holding at least one workshop
    unassigned: int
    first_choice_share: float  # among participants with a ranking: holding their rank 1
    top3_share: float  # ... holding one of their ranks 1 to 3
    rank_counts: list[int]  # placements at rank 1, 2, ... (as long as the longest list of topics)
    unranked_placements: int  # placements in a workshop the holder did not rank
    unplaced_slots: int  # (participant, slot) pairs with a ranked workshop of the slot but no seat there


def topic_ranks(problem: Problem, prefs: Sequence[int]) -> dict[int, int]:
    """Workshop id -> its rank in ``prefs`` read by topic (see the module docstring)."""
    topic = {w.id: ("t", w.topic) if w.topic is not None else ("w", w.id) for w in problem.workshops}
    order: dict[object, int] = {}
    for w in prefs:
        order.setdefault(topic.get(w, ("w", w)), len(order) + 1)
    return {w: order[topic.get(w, ("w", w))] for w in prefs}


def figures(problem: Problem, assignment: Mapping[int, Sequence[int]]) -> Figures:
    """The figures of ``assignment`` (participant -> every workshop held, fixed seats included)."""
    slot = {w.id: w.slot for w in problem.workshops}
    ranks = {p: topic_ranks(problem, problem.preferences.get(p, ())) for p in problem.participants}
    counts = [0] * max((len(set(r.values())) for r in ranks.values()), default=0)
    first = top3 = ranked = unranked = unplaced = assigned = 0
    for p in problem.participants:
        seats, rank = assignment.get(p, ()), ranks[p]
        held = [rank[w] for w in seats if w in rank]
        for r in held:
            counts[r - 1] += 1
        unranked += len(seats) - len(held)
        unplaced += len({slot[w] for w in rank} - {slot[w] for w in seats})
        assigned += bool(seats)
        if rank:
            ranked += 1
            first += 1 in held
            top3 += any(r <= 3 for r in held)
    return Figures(
        assigned=assigned,
        unassigned=len(problem.participants) - assigned,
        first_choice_share=first / ranked if ranked else 0.0,
        top3_share=top3 / ranked if ranked else 0.0,
        rank_counts=counts,
        unranked_placements=unranked,
        unplaced_slots=unplaced,
    )


def held(problem: Problem) -> dict[int, list[int]]:
    """The seats people hold now (``fixed`` and ``current``), nothing moved."""
    return {p: [*problem.fixed.get(p, ()), *problem.current.get(p, ())] for p in problem.participants}


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
                out.append(
                    Move(
                        p,
                        s,
                        old,
                        new,
                        prefs.index(old) + 1 if old in prefs else None,
                        prefs.index(new) + 1 if new in prefs else None,
                    )
                )
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
    """The seats people hold now (``fixed`` and ``current``), nothing moved, as a Result (checked:
    no clash, within capacity); count its figures with ``figures``."""
    seats = held(problem)
    prep = Prepared(
        Problem(
            problem.participants, problem.workshops, problem.preferences, fixed={p: ws for p, ws in seats.items() if ws}
        )
    )
    return build_result(prep, [], method, status="as stored")
