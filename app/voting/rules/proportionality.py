"""Does a committee satisfy EJR and PJR on these ballots? An exact check with a time cap (pure).

Approval ballots ``A_1..A_n`` (the non-empty ballots), committee ``W`` with ``k = |W|``
seats. A group ``S`` of voters is *l-cohesive* if ``|S| >= l * n / k`` and its members
jointly approve at least ``l`` candidates (``|A_i ∩ ... | >= l``), for some ``1 <= l <= k``.

* **EJR** (extended justified representation) fails iff some l-cohesive group has every
  member with fewer than ``l`` approved winners.
* **PJR** (proportional justified representation) fails iff some l-cohesive group has
  fewer than ``l`` winners approved by *any* of its members (``|W ∩ ∪ A_i| < l``).

EJR implies PJR. Deciding either is coNP-hard in general; this module decides them
exactly by a depth-first search over candidate sets, with voter sets as bitsets:

* EJR, for each ``l``: the voters with fewer than ``l`` approved winners are *eligible*;
  a violation is ``l`` candidates jointly approved by at least ``l*n/k`` eligible voters
  (the group may be taken as all of them). The search adds candidates in index order and
  prunes every branch whose common supporters are already too few.
* PJR, for each ``l``: a violating group's members together approve at most ``l - 1``
  winners, so all of them approve only winners inside some ``W'`` of ``l - 1`` winners.
  For each such ``W'`` the eligible voters are those whose approved winners lie inside
  ``W'``, and the same search runs (``C(k, l-1)`` searches for each ``l``).

Voters and candidates are indices as in the rules; a :class:`Witness` names the ``l``,
the ``l`` candidates and the whole group (every eligible voter approving them).

At seminar size (about 150 voters, 10-20 topics, 5-10 seats) a check takes milliseconds;
the worst case is exponential, so the search stops at ``time_limit`` seconds and the
answer is then ``None`` ("not decided"), never a guess. A ranked ballot counts as the
approval of every candidate it lists (as the approval rules read it).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from .common import approval_matrix

TIME_LIMIT = 2.0  # seconds, for both checks of one committee together
METHOD = (
    "exact: depth-first search over candidate sets with voter bitsets, pruned by the group size "
    "l*n/k (EJR); the same for every l-1 winners the group may approve (PJR); time limit {limit:g} s"
)


@dataclass(frozen=True)
class Witness:
    """A violation: ``voters`` (an l-cohesive group) jointly approve ``candidates`` (``ell`` of them)."""

    ell: int
    candidates: tuple[int, ...]
    voters: tuple[int, ...]


@dataclass(frozen=True)
class Proportionality:
    """``ejr``/``pjr``: True, False (with a witness) or None (not decided within the time limit)."""

    ejr: bool | None
    pjr: bool | None
    ejr_witness: Witness | None
    pjr_witness: Witness | None
    method: str
    seconds: float


class _OutOfTime(Exception):
    pass


class _Search:
    """Bitset depth-first search for l candidates approved together by enough eligible voters."""

    def __init__(self, approvers: list[int], n: int, k: int, deadline: float) -> None:
        self.approvers, self.n, self.k, self.deadline = approvers, n, k, deadline
        self.nodes = 0

    def enough(self, group: int, ell: int) -> bool:
        return group.bit_count() * self.k >= ell * self.n

    def tick(self) -> None:
        """Count a node of the search; out of time (checked every 256 nodes) raises ``_OutOfTime``."""
        self.nodes += 1
        if self.nodes % 256 == 1 and time.monotonic() > self.deadline:
            raise _OutOfTime

    def find(self, eligible: int, ell: int) -> tuple[tuple[int, ...], int] | None:
        """``ell`` candidates and the eligible voters approving all of them, if they are enough."""
        self.tick()
        if not self.enough(eligible, ell):
            return None
        pool = [(c, eligible & a) for c, a in enumerate(self.approvers) if self.enough(eligible & a, ell)]
        return self._extend(pool, 0, eligible, ell, ())

    def _extend(
        self, pool: list[tuple[int, int]], start: int, group: int, ell: int, chosen: tuple[int, ...]
    ) -> tuple[tuple[int, ...], int] | None:
        if len(chosen) == ell:
            return chosen, group
        self.tick()
        for i in range(start, len(pool) - (ell - len(chosen)) + 1):
            c, voters = pool[i]
            narrowed = group & voters
            if self.enough(narrowed, ell):
                found = self._extend(pool, i + 1, narrowed, ell, (*chosen, c))
                if found is not None:
                    return found
        return None


def _to_int(members: np.ndarray) -> int:
    """A boolean vector over voters as a bitset (bit i = voter i)."""
    return int.from_bytes(np.packbits(members, bitorder="little").tobytes(), "little")


def _bits(voters: int) -> tuple[int, ...]:
    return tuple(i for i in range(voters.bit_length()) if voters >> i & 1)


def check(
    ballots: Iterable[Iterable[int]], n_candidates: int, winners: Sequence[int], *, time_limit: float = TIME_LIMIT
) -> Proportionality:
    """EJR and PJR of the committee ``winners`` (``k = len(winners)``) on the non-empty ``ballots``."""
    started = time.monotonic()
    matrix = approval_matrix(ballots, n_candidates) > 0
    n, k = matrix.shape[0], len(set(winners))
    method = METHOD.format(limit=time_limit)
    if n == 0 or k == 0:
        return Proportionality(True, True, None, None, method, 0.0)
    approvers = [_to_int(matrix[:, c]) for c in range(n_candidates)]
    committee = sorted(set(winners))
    have = matrix[:, committee].sum(axis=1)
    search = _Search(approvers, n, k, started + time_limit)
    ejr: bool | None
    pjr: bool | None
    ejr_witness = pjr_witness = None
    try:
        levels = _levels(search, k)
    except _OutOfTime:
        return Proportionality(None, None, None, None, method, time.monotonic() - started)
    try:
        ejr_witness = _ejr(search, have, levels)
        ejr = ejr_witness is None
    except _OutOfTime:
        ejr = None
    try:
        if ejr:
            pjr = True  # EJR implies PJR
        else:
            pjr_witness = _pjr(search, matrix, committee, levels)
            pjr = pjr_witness is None
    except _OutOfTime:
        pjr = None
    return Proportionality(ejr, pjr, ejr_witness, pjr_witness, method, time.monotonic() - started)


def _levels(search: _Search, k: int) -> range:
    """1..L, where L is the largest l for which some group at all is l-cohesive (a group that
    is l-cohesive is also (l-1)-cohesive, so no level above the first without one has one)."""
    everyone = (1 << search.n) - 1
    for ell in range(1, k + 1):
        if search.find(everyone, ell) is None:
            return range(1, ell)
    return range(1, k + 1)


def _ejr(search: _Search, have: np.ndarray, levels: range) -> Witness | None:
    for ell in levels:
        eligible = _to_int(have < ell)
        found = search.find(eligible, ell)
        if found is not None:
            return Witness(ell, found[0], _bits(found[1]))
    return None


def _pjr(search: _Search, matrix: np.ndarray, committee: list[int], levels: range) -> Witness | None:
    # voters grouped by the set of winners they approve (a bitmask over ``committee``)
    rows = matrix[:, committee]
    keys, inverse = np.unique(np.packbits(rows, axis=1, bitorder="little"), axis=0, return_inverse=True)
    by_mask = {int.from_bytes(key.tobytes(), "little"): _to_int(inverse.ravel() == g) for g, key in enumerate(keys)}
    for ell in levels:
        for inside in combinations(range(len(committee)), ell - 1):
            search.tick()
            allowed = sum(1 << j for j in inside)
            eligible = 0
            for mask, voters in by_mask.items():
                if mask & ~allowed == 0:
                    eligible |= voters
            found = search.find(eligible, ell)
            if found is not None:
                return Witness(ell, found[0], _bits(found[1]))
    return None
