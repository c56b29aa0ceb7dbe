"""Explained runs of the rules: the same result as the plain rule, plus a :class:`Trace`.

Each function takes ``(ballots, n_candidates, seats)`` like the rule it explains and
returns ``(result, trace)``; ``result`` is what the plain rule returns (the tests check
that), so an explanation never describes a different election. Pure: numpy only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction

import numpy as np

from .approval import _phragmen_fill, _prepare, _seq_thiele, approval, mes_phase, mes_prices, sav
from .common import CommitteeResult, approval_matrix, check_size, result
from .pav import pav
from .ranked import borda, stv
from .trace import EQUAL_SHARES, NOT_SEQUENTIAL, SEQUENTIAL, STV, NotBought, Step, Trace

Ballots = Iterable[Iterable[int]]
Explainer = Callable[[list[Iterable[int]], int, int], tuple[CommitteeResult, Trace]]


def _flat(rule: CommitteeResult, summary: str, criterion: str, totals: list[float]) -> tuple[CommitteeResult, Trace]:
    return rule, Trace(NOT_SEQUENTIAL, summary, criterion, totals=totals)


def explain_approval(ballots: list[Iterable[int]], m: int, seats: int) -> tuple[CommitteeResult, Trace]:
    res = approval(ballots, m, seats)
    return _flat(
        res,
        f"Approval voting is not sequential: the {len(res.winners)} topics with the most approvals "
        "win (not proportional: a majority can take every seat).",
        "approvals",
        res.scores,
    )


def explain_sav(ballots: list[Iterable[int]], m: int, seats: int) -> tuple[CommitteeResult, Trace]:
    res = sav(ballots, m, seats)
    matrix = approval_matrix(ballots, m)
    totals = (1.0 / matrix.sum(axis=1)) @ matrix if matrix.size else np.zeros(m)
    return _flat(
        res,
        "Satisfaction approval voting is not sequential: each ballot splits one point equally among "
        "the topics it approves; the topics with the most points win.",
        "SAV points",
        [float(t) for t in totals],
    )


def explain_borda(ballots: list[Iterable[int]], m: int, seats: int) -> tuple[CommitteeResult, Trace]:
    res = borda(ballots, m, seats)
    return _flat(
        res,
        f"Borda is not sequential: position i (0-based) on a ballot gives m - 1 - i = {m - 1} - i "
        "points, unranked topics none; the topics with the most points win.",
        "Borda points",
        res.scores,
    )


def _pav_score(matrix: np.ndarray, winners: list[int]) -> Fraction:
    hits = matrix[:, winners].sum(axis=1).astype(np.int64)
    return sum(
        (
            Fraction(int(v)) * sum((Fraction(1, j) for j in range(1, int(h) + 1)), Fraction(0))
            for h, v in enumerate(np.bincount(hits))
        ),
        Fraction(0),
    )


def explain_pav(ballots: list[Iterable[int]], m: int, seats: int) -> tuple[CommitteeResult, Trace]:
    res = pav(ballots, m, seats)
    if res.rule != "pav":  # too large for the exact MILP: the sequential rule's rounds
        seq, trace = explain_seq_pav(ballots, m, seats)
        assert seq.winners == res.winners  # pav's fallback is exactly seq-PAV
        return res, Trace(trace.method, f"{res.tie_break}. {trace.summary}", trace.criterion, trace.steps)
    matrix = approval_matrix(ballots, m)
    score = _pav_score(matrix, res.winners)
    return _flat(
        res,
        "PAV is not sequential: the committee maximising the sum over voters of 1 + 1/2 + ... + 1/j "
        f"(j = approved winners) over all committees, found exactly (MILP); its score is "
        f"{float(score):.6g}.",
        "approvals",
        res.scores,
    )


def _sequential(res: CommitteeResult, steps: list[Step], summary: str, criterion: str) -> tuple[CommitteeResult, Trace]:
    return res, Trace(SEQUENTIAL, summary, criterion, steps)


def explain_seq_pav(ballots: list[Iterable[int]], m: int, seats: int) -> tuple[CommitteeResult, Trace]:
    steps: list[Step] = []
    res = _seq_thiele("seq_pav", lambda have: 1.0 / (1.0 + have), ballots, m, seats, steps)
    return _sequential(
        res,
        steps,
        "Sequential PAV: each round elects the topic with the largest gain; a voter "
        "with j approved winners so far adds 1/(j+1) to every topic she approves.",
        "marginal PAV gain (higher wins)",
    )


def explain_cc(ballots: list[Iterable[int]], m: int, seats: int) -> tuple[CommitteeResult, Trace]:
    steps: list[Step] = []
    res = _seq_thiele("cc", lambda have: (have == 0).astype(np.float64), ballots, m, seats, steps)
    return _sequential(
        res,
        steps,
        "Greedy Chamberlin-Courant: each round elects the topic approved by the most "
        "voters who have no approved winner yet.",
        "supporters not yet represented (higher wins)",
    )


def explain_seq_phragmen(ballots: list[Iterable[int]], m: int, seats: int) -> tuple[CommitteeResult, Trace]:
    matrix, k = _prepare(ballots, m, seats)
    steps: list[Step] = []
    winners: list[int] = []
    ties: list[tuple[int, ...]] = []
    _phragmen_fill(matrix, np.zeros(matrix.shape[0]), winners, k, ties, steps)
    res = result("seq_phragmen", winners, matrix.sum(axis=0), matrix, ties)
    return _sequential(
        res,
        steps,
        "Phragmén's sequential rule: each elected topic is a load of 1 shared by its "
        "supporters; each round elects the topic whose supporters would end with the "
        "smallest equal load (load so far + 1, divided among them).",
        "new maximal load of the topic's supporters if elected (lower wins)",
    )


def explain_equal_shares(ballots: list[Iterable[int]], m: int, seats: int) -> tuple[CommitteeResult, Trace]:
    matrix, k = _prepare(ballots, m, seats)
    n = matrix.shape[0]
    steps: list[Step] = []
    winners, ties, budget = mes_phase(matrix, k, steps)
    bought = set(winners)
    left = budget @ matrix if n else np.zeros(m)
    supporters = matrix.sum(axis=0)
    prices = mes_prices(matrix, budget)
    not_bought = [
        NotBought(c, int(supporters[c]), float(left[c]), 1.0, float(prices[c]) if np.isfinite(prices[c]) else None)
        for c in range(m)
        if c not in bought
    ]
    missing = k - len(winners)
    _phragmen_fill(matrix, -budget, winners, k, ties, steps, phase="completion")
    res = result("equal_shares", winners, supporters, matrix, ties)
    if missing:
        completion = (
            f"Nothing more was affordable with {missing} seat(s) left, so the committee is completed with "
            "Phragmén's sequential rule, every voter starting with a load equal to minus her unspent "
            "budget (abcvoting's default completion): rounds of phase `completion`, whose `price` is the "
            "new maximal load and whose payments are the load each supporter took on."
        )
    else:
        completion = "Every seat was bought with the budgets; no completion was needed."
    start = k / n if n else 0.0
    summary = (
        f"Method of Equal Shares: the {k} seats are the budget, split equally, so each of the {n} voters "
        f"starts with {k}/{n} = {start:.6g} of a seat, and a topic costs 1 seat. Each round buys the topic "
        "whose supporters can pay for it together with the smallest most-anyone-pays (rho): each supporter "
        "pays rho, or all she has left if that is less."
    )
    return res, Trace(
        EQUAL_SHARES,
        summary,
        "price rho: the most one supporter pays (lower wins)",
        steps,
        start_budget=start,
        budget_unit="seat (one topic costs 1 seat; the total budget is the seats)",
        not_bought=not_bought,
        completion=completion,
    )


def explain_stv(ballots: list[Iterable[int]], m: int, seats: int) -> tuple[CommitteeResult, Trace]:
    steps: list[Step] = []
    res = stv(ballots, m, seats, steps=steps)
    k = check_size(m, seats)
    quota = res.ballots // (k + 1) + 1
    summary = (
        f"Single transferable vote: the Droop quota is floor({res.ballots}/{k + 1}) + 1 = {quota}. Each round "
        "elects the highest tally at or above the quota (its ballots go on at the surplus fraction of their "
        "weight), or else eliminates the lowest tally (its ballots go on at full weight)."
    )
    return res, Trace(
        STV, summary, "tally: weighted ballots counting for the topic now (higher wins)", steps, totals=res.scores
    )


EXPLAINERS: dict[str, Explainer] = {
    "approval": explain_approval,
    "sav": explain_sav,
    "pav": explain_pav,
    "seq_pav": explain_seq_pav,
    "seq_phragmen": explain_seq_phragmen,
    "equal_shares": explain_equal_shares,
    "cc": explain_cc,
    "borda": explain_borda,
    "stv": explain_stv,
}
