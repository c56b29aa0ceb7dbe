"""Approval-based committee rules (pure functions, vectorised with numpy).

Every function takes ``(ballots, n_candidates, seats)`` and returns a
:class:`~app.voting.rules.common.CommitteeResult` whose ``scores`` are approval counts.
Voters are the rows of a dense 0/1 matrix ``A`` (non-empty ballots x candidates);
each round of a sequential rule is one or two matrix-vector products, so 10,000
ballots x 100 candidates x 10 seats take milliseconds.

All rules always return ``min(seats, n_candidates)`` winners: when ballots run
out of useful information the remaining seats go to the lowest indices.
Ties: lowest candidate index wins (the same convention as abcvoting's resolute
rules, against which these are tested).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from .common import TOL, CommitteeResult, approval_matrix, check_size, pick, result
from .trace import Step, payments_of, values_of

Ballots = Iterable[Iterable[int]]


def _prepare(ballots: Ballots, n_candidates: int, seats: int) -> tuple[np.ndarray, int]:
    k = check_size(n_candidates, seats)
    return approval_matrix(ballots, n_candidates), k


def _top_k(rule: str, matrix: np.ndarray, values: np.ndarray, k: int) -> CommitteeResult:
    """Separable rules: the ``k`` best ``values``, lowest index first among equals."""
    available = np.ones(values.size, dtype=bool)
    winners, ties = [], []
    for _ in range(k):
        best, tied = pick(values, available, maximize=True)
        winners.append(best)
        # only record ties that decide who is in or out of the committee
        if len(tied) > k - len(winners) + 1:
            ties.append(tied)
        available[best] = False
    return result(rule, winners, matrix.sum(axis=0), matrix, ties)


def approval(ballots: Ballots, n_candidates: int, seats: int) -> CommitteeResult:
    """Approval voting (AV, block voting): the ``seats`` most-approved candidates.

    Not proportional: a majority bloc takes every seat.
    """
    matrix, k = _prepare(ballots, n_candidates, seats)
    return _top_k("approval", matrix, matrix.sum(axis=0), k)


def sav(ballots: Ballots, n_candidates: int, seats: int) -> CommitteeResult:
    """Satisfaction approval voting: each ballot splits one point equally among its approvals."""
    matrix, k = _prepare(ballots, n_candidates, seats)
    share = 1.0 / matrix.sum(axis=1) if matrix.size else np.zeros(0)
    return _top_k("sav", matrix, share @ matrix, k)


def _seq_thiele(
    rule: str,
    weight: Callable[[np.ndarray], np.ndarray],
    ballots: Ballots,
    n_candidates: int,
    seats: int,
    steps: list[Step] | None = None,
) -> CommitteeResult:
    """Sequential Thiele method: repeatedly add the candidate with the largest marginal gain.

    ``weight(c)`` is the marginal value for a voter who already has ``c`` approved
    winners; the marginal gain of a candidate is ``weight(counts) @ A[:, cand]``.
    ``steps``: when a list, each round's gains are appended to it (see ``trace``).
    """
    matrix, k = _prepare(ballots, n_candidates, seats)
    have = np.zeros(matrix.shape[0])
    available = np.ones(n_candidates, dtype=bool)
    winners, ties = [], []
    for _ in range(k):
        gain = weight(have) @ matrix
        best, tied = pick(gain, available, maximize=True)
        if steps is not None:
            steps.append(Step(len(steps) + 1, "sequential", best, values_of(gain, available), tied))
        winners.append(best)
        ties.append(tied)
        available[best] = False
        have += matrix[:, best]
    return result(rule, winners, matrix.sum(axis=0), matrix, ties)


def seq_pav(ballots: Ballots, n_candidates: int, seats: int) -> CommitteeResult:
    """Sequential proportional approval voting (seq-PAV, Thiele's sequential method).

    A voter with ``j`` approved winners so far adds ``1/(j+1)`` to each further
    candidate she approves; the candidate with the largest total is elected.
    """
    return _seq_thiele("seq_pav", lambda have: 1.0 / (1.0 + have), ballots, n_candidates, seats)


def cc(ballots: Ballots, n_candidates: int, seats: int) -> CommitteeResult:
    """Sequential (greedy) Chamberlin-Courant: elect the candidate approved by most
    still-unrepresented voters (voters with no approved winner yet)."""
    return _seq_thiele("cc", lambda have: (have == 0).astype(np.float64), ballots, n_candidates, seats)


def _phragmen_fill(
    matrix: np.ndarray,
    load: np.ndarray,
    winners: list[int],
    k: int,
    ties: list[tuple[int, ...]],
    steps: list[Step] | None = None,
    phase: str = "sequential",
) -> None:
    """Complete ``winners`` to ``k`` seats with seq-Phragmén starting from ``load`` (in place).

    Each round elects the candidate minimising the new maximal load
    ``(1 + sum of its supporters' loads) / #supporters``; its supporters' loads are
    all set to that value. Candidates nobody approves come last (lowest index first).
    ``steps``: when a list, each round (new loads, load added per supporter) is appended.
    """
    support = matrix.sum(axis=0)
    available = np.ones(matrix.shape[1], dtype=bool)
    available[winners] = False
    approved = support > 0
    while len(winners) < k:
        pool = available & approved
        if not pool.any():
            pool = available
        with np.errstate(divide="ignore", invalid="ignore"):
            new_load = np.where(approved, (1.0 + load @ matrix) / support, np.inf)
        best, tied = pick(np.where(approved, new_load, 0.0), pool, maximize=False)
        winners.append(best)
        ties.append(tied)
        available[best] = False
        payers = np.flatnonzero(matrix[:, best] > 0)
        if steps is not None:
            steps.append(_phragmen_step(len(steps) + 1, phase, best, new_load, pool, tied, load, payers))
        if approved[best]:
            load[payers] = new_load[best]


def _phragmen_step(
    number: int,
    phase: str,
    best: int,
    new_load: np.ndarray,
    pool: np.ndarray,
    tied: tuple[int, ...],
    load: np.ndarray,
    payers: np.ndarray,
) -> Step:
    if not payers.size:
        return Step(number, "unsupported", best, {}, tied, note="nobody approves the topics left: lowest index")
    return Step(
        number,
        phase,
        best,
        values_of(new_load, pool),
        tied,
        cost=1.0,
        price=float(new_load[best]),
        payments=payments_of(payers, new_load[best] - load[payers]),
    )


def seq_phragmen(ballots: Ballots, n_candidates: int, seats: int) -> CommitteeResult:
    """Phragmén's sequential rule: every elected candidate is a load of 1 shared by its
    supporters; elect the candidate that keeps the maximal voter load smallest."""
    matrix, k = _prepare(ballots, n_candidates, seats)
    winners: list[int] = []
    ties: list[tuple[int, ...]] = []
    _phragmen_fill(matrix, np.zeros(matrix.shape[0]), winners, k, ties)
    return result("seq_phragmen", winners, matrix.sum(axis=0), matrix, ties)


def _mes_prices(
    budget: np.ndarray, voters: np.ndarray, cands: np.ndarray, start: np.ndarray, length: np.ndarray
) -> np.ndarray:
    """Minimal per-voter price rho of every candidate (inf if unaffordable).

    ``(voters, cands)`` list the approvals grouped by candidate; candidate ``c`` owns
    the slice ``start[c]:start[c]+length[c]``. Within each slice the supporters'
    budgets are sorted ascending ``x_0 <= x_1 <= ...``; if the first ``j`` pay their
    whole budget and the rest pay ``rho_j = (1 - sum_{i<j} x_i) / (len - j)``, the
    minimal price is ``rho_j`` for the first ``j`` with ``rho_j <= x_j``.
    """
    m = start.size
    prices = np.full(m, np.inf)
    if voters.size == 0:
        return prices
    x = budget[voters]
    x = x[np.lexsort((x, cands))]  # sort budgets within each candidate's slice
    excl = np.cumsum(x) - x  # exclusive prefix sums over the whole array
    seg_start = start[cands]
    paid_before = excl - excl[seg_start]
    pos = np.arange(x.size) - seg_start
    rho = (1.0 - paid_before) / (length[cands] - pos)
    valid = rho <= x + TOL
    nonempty = np.flatnonzero(length > 0)
    first = np.minimum.reduceat(np.where(valid, np.arange(x.size), x.size), start[nonempty])
    total = np.add.reduceat(x, start[nonempty])
    ok = (total >= 1.0 - TOL) & (first < x.size)
    prices[nonempty[ok]] = rho[first[ok]]
    return prices


def mes_prices(matrix: np.ndarray, budget: np.ndarray) -> np.ndarray:
    """Minimal per-voter price rho of every candidate for these budgets (inf if unaffordable)."""
    cand_of, voter_of = np.nonzero(matrix.T)  # approvals grouped by candidate
    length = np.bincount(cand_of, minlength=matrix.shape[1])
    return _mes_prices(budget, voter_of, cand_of, np.cumsum(length) - length, length)


def mes_phase(
    matrix: np.ndarray, k: int, steps: list[Step] | None = None
) -> tuple[list[int], list[tuple[int, ...]], np.ndarray]:
    """The equal-shares phase of MES: ``(winners, ties, remaining budgets)``.

    Stops when ``k`` candidates are bought or nothing is affordable. ``steps``: when a
    list, each purchase (prices of all affordable candidates, rho, payments) is appended.
    """
    n, n_candidates = matrix.shape
    cand_of, voter_of = np.nonzero(matrix.T)  # approvals grouped by candidate
    length = np.bincount(cand_of, minlength=n_candidates)
    start = np.cumsum(length) - length
    budget = np.full(n, k / n) if n else np.zeros(0)
    available = np.ones(n_candidates, dtype=bool)
    winners: list[int] = []
    ties: list[tuple[int, ...]] = []
    while len(winners) < k:
        prices = _mes_prices(budget, voter_of, cand_of, start, length)
        if not np.isfinite(prices[available]).any():
            break
        best, tied = pick(prices, available & np.isfinite(prices), maximize=False)
        winners.append(best)
        ties.append(tied)
        payers = voter_of[start[best] : start[best] + length[best]]
        paid = np.minimum(budget[payers], prices[best])
        if steps is not None:
            steps.append(
                Step(
                    len(steps) + 1,
                    "equal_shares",
                    best,
                    values_of(prices, available),
                    tied,
                    cost=1.0,
                    price=float(prices[best]),
                    payments=payments_of(payers, paid),
                )
            )
        available[best] = False
        budget[payers] = np.maximum(budget[payers] - paid, 0.0)
    return winners, ties, budget


def equal_shares(ballots: Ballots, n_candidates: int, seats: int) -> CommitteeResult:
    """Method of Equal Shares (Rule X) with seq-Phragmén completion.

    Every voter starts with a budget of ``seats / n``; a candidate costs 1. A
    candidate is affordable if its supporters can pay 1 together; it then costs
    each supporter ``min(budget, rho)`` with ``rho`` minimal. The affordable
    candidate with the smallest ``rho`` is elected (lowest index on ties). When
    nothing is affordable and seats remain, the committee is completed with
    seq-Phragmén whose start loads are the voters' negative remaining budgets --
    abcvoting's default ``equal-shares`` completion.
    """
    matrix, k = _prepare(ballots, n_candidates, seats)
    winners, ties, budget = mes_phase(matrix, k)
    _phragmen_fill(matrix, -budget, winners, k, ties)
    return result("equal_shares", winners, matrix.sum(axis=0), matrix, ties)
