"""Exact proportional approval voting (PAV) as a mixed-integer program (scipy / HiGHS).

PAV elects the committee ``W`` maximising ``sum_v H(|A_v & W|)`` with the harmonic
number ``H(j) = 1 + 1/2 + ... + 1/j``. It is NP-hard, so the MILP is only attempted
when it has at most ``MAX_SLOTS`` y-variables (about distinct ballots x min(seats,
ballot size); e.g. 1,000 ballots, 30 topics, 5 seats), with ``TIME_LIMIT`` as a safety
net; otherwise the result of sequential PAV is returned with ``rule="seq_pav"`` and
the ``tie_break`` text says why.

Model (identical ballots merged, ``mult_u`` copies of ballot ``u``):
binary ``x_c`` (candidate elected), continuous ``0 <= y_{u,j} <= 1`` for
``j = 1..min(k, |u|)``; maximise ``sum_u mult_u * sum_j y_{u,j} / j`` subject to
``sum_c x_c = k`` and ``sum_j y_{u,j} <= sum_{c in u} x_c``. Because ``1/j``
decreases, an optimal ``y`` fills the first ``|u & W|`` slots, so the objective
is the PAV score. HiGHS runs with ``mip_rel_gap=0`` (its absolute gap 1e-6 stays
below the smallest difference of two PAV scores, ``1/lcm(1..k)``, for k <= 16) and
committees found are compared by their exact (fraction) PAV scores.

Ties: among all optimal committees the lexicographically smallest sorted index
tuple is returned (the same committee abcvoting's resolute brute force returns):
candidates are fixed in index order, each to 1 if an optimal committee with the
fixings so far contains it, else to 0.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, hstack, vstack

from .approval import seq_pav
from .common import CommitteeResult, approval_matrix, check_size, result

MAX_SLOTS = 10_000  # y-variables; larger instances go straight to seq-PAV (a size gate keeps results
# independent of machine speed; the time limit is only a safety net)
TIME_LIMIT = 10.0  # seconds, for all MILP solves of one election together
POLICY = "exact PAV; among optimal committees the lexicographically smallest (lowest indices)"


def _score(unique: np.ndarray, mult: np.ndarray, committee: frozenset[int]) -> Fraction:
    """Exact PAV score: sum over voters of H(number of approved winners)."""
    hits = unique[:, sorted(committee)].sum(axis=1).astype(np.int64)
    voters = np.bincount(hits, weights=mult, minlength=1).astype(np.int64)
    harmonic = [sum((Fraction(1, j) for j in range(1, t + 1)), Fraction(0)) for t in range(voters.size)]
    return sum((int(v) * h for v, h in zip(voters, harmonic, strict=True)), Fraction(0))


def _model(
    unique: np.ndarray, mult: np.ndarray, k: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], LinearConstraint, int]:
    """Objective, integrality and constraints of the PAV MILP (variables: x then y)."""
    u_count, m = unique.shape
    slots = np.minimum(unique.sum(axis=1).astype(np.int64), k)
    owner = np.repeat(np.arange(u_count), slots)
    j = np.arange(owner.size) - np.repeat(np.cumsum(slots) - slots, slots) + 1
    cost = np.concatenate([np.zeros(m), -mult[owner] / j])
    integrality = np.concatenate([np.ones(m), np.zeros(owner.size)])
    link = hstack(
        [
            coo_array(-unique),
            coo_array((np.ones(owner.size), (owner, np.arange(owner.size))), shape=(u_count, owner.size)),
        ]
    )
    size = coo_array(np.concatenate([np.ones(m), np.zeros(owner.size)])[None, :])
    constraints = LinearConstraint(
        vstack([link, size]).tocsr(),
        np.concatenate([np.full(u_count, -np.inf), [k]]),
        np.concatenate([np.zeros(u_count), [k]]),
    )
    return cost, integrality, constraints, owner.size


def pav(  # noqa: C901
    ballots: Iterable[Iterable[int]],
    n_candidates: int,
    seats: int,
    *,
    time_limit: float = TIME_LIMIT,
    max_slots: int = MAX_SLOTS,
) -> CommitteeResult:
    """Exact PAV (see the module docstring); falls back to :func:`seq_pav` when too large/slow."""
    ballots = list(ballots)
    k = check_size(n_candidates, seats)
    matrix = approval_matrix(ballots, n_candidates)
    m = n_candidates
    if k == m or matrix.shape[0] == 0:
        # every committee of this size is optimal: the lexicographically smallest one
        return result("pav", list(range(k)), matrix.sum(axis=0), matrix, None, POLICY)
    packed = np.ascontiguousarray(np.packbits(matrix > 0, axis=1))  # merge identical ballots fast
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, mult = np.unique(keys, return_index=True, return_counts=True)
    unique = matrix[first]

    def fallback(reason: str) -> CommitteeResult:
        seq = seq_pav(ballots, n_candidates, seats)
        return CommitteeResult(
            seq.rule,
            seq.winners,
            seq.scores,
            seq.coverage,
            seq.ballots,
            f"exact PAV {reason}; sequential PAV used instead: {seq.tie_break}",
        )

    n_slots = int(np.minimum(unique.sum(axis=1), k).sum())
    if n_slots > max_slots:
        return fallback(f"not attempted ({n_slots} > {max_slots} MILP variables)")
    cost, integrality, constraints, _ = _model(unique, mult.astype(np.float64), k)
    deadline = time.monotonic() + time_limit
    lower, upper = np.zeros(cost.size), np.ones(cost.size)

    def solve(*extra: LinearConstraint) -> tuple[Fraction, frozenset[int]] | bool:
        """(exact PAV score, committee); False if infeasible; True if out of time."""
        left = deadline - time.monotonic()
        if left <= 0:
            return True
        res = milp(
            cost,
            integrality=integrality,
            bounds=Bounds(lower, upper),
            constraints=[constraints, *extra],
            options={"time_limit": left, "mip_rel_gap": 0.0},
        )
        if res.status != 0:
            return bool(res.status != 2)  # 2: infeasible
        committee = frozenset(np.flatnonzero(res.x[:m] > 0.5).tolist())
        return _score(unique, mult, committee), committee

    found = solve()
    if isinstance(found, bool):
        return fallback("did not finish within the time limit")
    optimum, chosen = found
    # Is the optimum unique? Exclude this committee with a no-good cut and re-solve.
    cut = np.zeros(cost.size)
    cut[sorted(chosen)] = 1.0
    other = solve(LinearConstraint(cut[None, :], -np.inf, k - 1))
    if other is True:
        return fallback("tie check did not finish within the time limit")
    if other is False or other[0] < optimum:
        return result("pav", sorted(chosen), matrix.sum(axis=0), matrix, None, POLICY + "; unique optimum")
    optimum = max(optimum, other[0])
    picked: list[int] = []
    for c in range(m):  # several optimal committees: fix candidates in index order
        if len(picked) == k:
            upper[c] = 0.0
            continue
        if c not in chosen:
            lower[c] = 1.0
            trial = solve()
            if trial is True:
                return fallback("tie-breaking did not finish within the time limit")
            if trial is False or trial[0] < optimum:
                lower[c], upper[c] = 0.0, 0.0
                continue
            optimum, chosen = trial
        lower[c] = 1.0
        picked.append(c)
    # Order of "election": by marginal contribution is meaningless for PAV; report index order.
    return result("pav", picked, matrix.sum(axis=0), matrix, None, POLICY)
