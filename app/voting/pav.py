"""Exact proportional approval voting (PAV) as a mixed-integer program (scipy / HiGHS).

PAV elects the committee ``W`` maximising ``sum_v H(|A_v & W|)`` with the harmonic
number ``H(j) = 1 + 1/2 + ... + 1/j``. It is NP-hard, so the MILP is only attempted
for moderate instances and within a time limit; otherwise the result of sequential
PAV is returned with ``rule="seq_pav"`` and the ``tie_break`` text says why.

Model (identical ballots merged, ``mult_u`` copies of ballot ``u``):
binary ``x_c`` (candidate elected), continuous ``0 <= y_{u,j} <= 1`` for
``j = 1..min(k, |u|)``; maximise ``sum_u mult_u * sum_j y_{u,j} / j`` subject to
``sum_c x_c = k`` and ``sum_j y_{u,j} <= sum_{c in u} x_c``. Because ``1/j``
decreases, an optimal ``y`` fills the first ``|u & W|`` slots, so the objective
is the PAV score.

Ties: among all optimal committees the lexicographically smallest sorted index
tuple is returned (the same committee abcvoting's resolute brute force returns):
candidates are fixed in index order, each to 1 if an optimal committee with the
fixings so far contains it, else to 0.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, hstack, vstack

from .approval import seq_pav
from .common import CommitteeResult, approval_matrix, check_size, result

MAX_SLOTS = 20_000  # y-variables; larger instances fall back to seq-PAV
TIME_LIMIT = 5.0  # seconds, for all MILP solves of one election together
POLICY = "exact PAV; among optimal committees the lexicographically smallest (lowest indices)"


def _model(unique: np.ndarray, mult: np.ndarray, k: int):
    """Objective, integrality and constraints of the PAV MILP (variables: x then y)."""
    u_count, m = unique.shape
    slots = np.minimum(unique.sum(axis=1).astype(np.int64), k)
    owner = np.repeat(np.arange(u_count), slots)
    j = np.arange(owner.size) - np.repeat(np.cumsum(slots) - slots, slots) + 1
    cost = np.concatenate([np.zeros(m), -mult[owner] / j])
    integrality = np.concatenate([np.ones(m), np.zeros(owner.size)])
    link = hstack([coo_array(-unique), coo_array((np.ones(owner.size), (owner, np.arange(owner.size))),
                                                 shape=(u_count, owner.size))])
    size = coo_array(np.concatenate([np.ones(m), np.zeros(owner.size)])[None, :])
    constraints = LinearConstraint(vstack([link, size]).tocsr(),
                                   np.concatenate([np.full(u_count, -np.inf), [k]]),
                                   np.concatenate([np.zeros(u_count), [k]]))
    return cost, integrality, constraints, owner.size


def pav(ballots: Iterable[Iterable[int]], n_candidates: int, seats: int,
        *, time_limit: float = TIME_LIMIT, max_slots: int = MAX_SLOTS) -> CommitteeResult:
    """Exact PAV (see the module docstring); falls back to :func:`seq_pav` when too large/slow."""
    ballots = list(ballots)
    k = check_size(n_candidates, seats)
    matrix = approval_matrix(ballots, n_candidates)
    m = n_candidates
    if k == m or matrix.shape[0] == 0:
        # every committee of this size is optimal: the lexicographically smallest one
        return result("pav", list(range(k)), matrix.sum(axis=0), matrix, None, POLICY)
    unique, mult = np.unique(matrix, axis=0, return_counts=True)
    cost, integrality, constraints, n_slots = _model(unique, mult.astype(np.float64), k)

    def fallback(reason: str) -> CommitteeResult:
        seq = seq_pav(ballots, n_candidates, seats)
        return CommitteeResult(seq.rule, seq.winners, seq.scores, seq.coverage, seq.ballots,
                               f"exact PAV {reason}; sequential PAV used instead: {seq.tie_break}")

    if n_slots > max_slots:
        return fallback(f"not attempted ({n_slots} > {max_slots} MILP variables)")
    deadline = time.monotonic() + time_limit
    lower = np.zeros(cost.size)
    upper = np.ones(cost.size)

    def solve():
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        res = milp(cost, integrality=integrality, bounds=Bounds(lower, upper),
                   constraints=constraints, options={"time_limit": left, "mip_rel_gap": 1e-9})
        return res if res.status == 0 else (False if res.status == 2 else None)  # 2: infeasible

    best = solve()
    if best is None or best is False:
        return fallback("did not finish within the time limit")
    optimum = best.fun
    tol = 1e-7 * max(1.0, abs(optimum))
    chosen = set(np.flatnonzero(best.x[:m] > 0.5).tolist())
    picked: list[int] = []
    for c in range(m):
        if len(picked) == k:
            upper[c] = 0.0
            continue
        if c not in chosen:
            lower[c] = 1.0
            trial = solve()
            if trial is None:
                return fallback("tie-breaking did not finish within the time limit")
            if trial is False or trial.fun > optimum + tol:
                lower[c], upper[c] = 0.0, 0.0
                continue
            chosen = set(np.flatnonzero(trial.x[:m] > 0.5).tolist())
        lower[c] = 1.0
        picked.append(c)
    # Order of "election": by marginal contribution is meaningless for PAV; report index order.
    return result("pav", picked, matrix.sum(axis=0), matrix, None, POLICY)
