"""Ranked-ballot committee rules: Borda and STV (pure functions, numpy).

A ranked ballot is a sequence of candidate indices, most preferred first; it may
be partial (truncated) but must not repeat a candidate. Empty ballots are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .common import LOWEST_INDEX, TOL, CommitteeResult, check_size, describe_ties, parse_ballots, pick
from .trace import Step, values_of

Ballots = Iterable[Iterable[int]]  # ordered sequences; sets are refused (ValueError)


def _coverage(cands: np.ndarray, m: int) -> np.ndarray:
    return np.bincount(cands, minlength=m)


def borda(ballots: Ballots, n_candidates: int, seats: int) -> CommitteeResult:
    """Multi-winner Borda: the ``seats`` candidates with the most Borda points.

    Scoring of (possibly partial) ballots: the candidate in position ``i`` (0-based)
    gets ``m - 1 - i`` points, where ``m = n_candidates``; unranked candidates get 0
    (the "pessimistic" truncation rule). A complete ranking thus scores exactly as
    classic Borda, and a truncated ballot never gives an unranked candidate points.
    Not proportional. ``scores`` are the Borda points.
    """
    k = check_size(n_candidates, seats)
    rows, positions, cands = parse_ballots(ballots, n_candidates, ranked=True)
    points = np.bincount(cands, weights=n_candidates - 1 - positions, minlength=n_candidates)
    available = np.ones(n_candidates, dtype=bool)
    winners, ties = [], []
    for _ in range(k):
        best, tied = pick(points, available, maximize=True)
        winners.append(best)
        if len(tied) > k - len(winners) + 1:
            ties.append(tied)
        available[best] = False
    covered = _coverage(cands, n_candidates)
    return CommitteeResult(
        rule="borda",
        winners=winners,
        scores=[float(p) for p in points],
        coverage={c: int(covered[c]) for c in winners},
        ballots=int(rows[-1]) + 1 if rows.size else 0,
        tie_break=describe_ties(ties),
    )


STV_POLICY = (
    "elect: highest tally reaching the quota, lowest index on ties; "
    "eliminate: lowest tally, highest index on ties (" + LOWEST_INDEX + ")"
)


def stv(ballots: Ballots, n_candidates: int, seats: int, *, steps: list[Step] | None = None) -> CommitteeResult:  # noqa: PLR0915
    """Single transferable vote with the Droop quota and weighted inclusive Gregory transfers.

    * Quota: ``floor(n / (seats + 1)) + 1`` with ``n`` non-empty ballots.
    * Each ballot counts, with its current weight (initially 1), for its highest-ranked
      continuing candidate; ballots with no continuing candidate left are exhausted.
    * While seats remain: if the continuing candidates are no more than the open seats,
      all are elected (highest tally first). Otherwise, if some continuing candidate
      has a tally >= quota, the one with the highest tally is elected and *all* ballots
      counting for it continue with weight multiplied by ``(tally - quota) / tally``
      (weighted inclusive Gregory method, as in Scottish STV, but one surplus at a
      time). Otherwise the candidate with the lowest tally is eliminated and its
      ballots transfer at their current weight.
    * Ties: the lowest index is elected first and the highest index is eliminated first.

    ``scores`` are first-preference votes; ``coverage`` counts voters ranking each winner.
    ``steps``: when a list, every round (tallies, who was elected or eliminated) is appended.
    """
    k = check_size(n_candidates, seats)
    m = n_candidates
    rows, positions, cands = parse_ballots(ballots, m, ranked=True)
    n = int(rows[-1]) + 1 if rows.size else 0
    depth = int(positions.max()) + 1 if positions.size else 1
    ranking = np.full((n, depth + 1), m, dtype=np.int64)  # m = "no candidate" sentinel
    ranking[rows, positions] = cands
    first = np.bincount(ranking[:, 0], minlength=m + 1)[:m] if n else np.zeros(m, dtype=np.int64)

    continuing = np.ones(m + 1, dtype=bool)
    continuing[m] = False
    weight = np.ones(n)
    pos = np.zeros(n, dtype=np.int64)
    current = ranking[:, 0].copy()
    quota = n // (k + 1) + 1
    winners: list[int] = []
    ties: list[tuple[int, ...]] = []

    def advance(idx: np.ndarray) -> None:
        """Move the given ballots on to their next continuing preference (or exhaust them)."""
        while idx.size:
            pos[idx] += 1
            current[idx] = ranking[idx, pos[idx]]
            done = continuing[current[idx]] | (pos[idx] >= depth)
            idx = idx[~done]

    while len(winners) < k:
        tally = np.bincount(current, weights=weight, minlength=m + 1)[:m]
        alive = continuing[:m].copy()
        if alive.sum() <= k - len(winners):
            while alive.any():  # elect every remaining candidate, best tally first
                best, tied = pick(tally, alive, maximize=True)
                if steps is not None:
                    steps.append(
                        Step(
                            len(steps) + 1,
                            "elect_remaining",
                            best,
                            values_of(tally, alive),
                            tied,
                            note="no more candidates than open seats",
                        )
                    )
                winners.append(best)
                alive[best] = False
            break
        reached = alive & (tally >= quota - TOL * max(1, quota))
        if reached.any():
            best, tied = pick(tally, reached, maximize=True)
            winners.append(best)
            ties.append(tied)
            holders = np.flatnonzero(current == best)
            keep = max(tally[best] - quota, 0.0) / tally[best]
            if steps is not None:
                steps.append(
                    Step(
                        len(steps) + 1,
                        "elect",
                        best,
                        values_of(tally, alive),
                        tied,
                        note=f"reached the quota {quota}; its ballots go on at {keep:.6g} of their weight",
                    )
                )
            weight[holders] *= keep
        else:
            _, tied = pick(tally, alive, maximize=False)
            best = tied[-1]  # eliminate the highest index among the lowest tallies
            ties.append(tuple(reversed(tied)))
            holders = np.flatnonzero(current == best)
            if steps is not None:
                steps.append(
                    Step(
                        len(steps) + 1,
                        "eliminate",
                        best,
                        values_of(tally, alive),
                        tuple(reversed(tied)),
                        note=f"nobody reached the quota {quota}: the lowest tally is eliminated",
                    )
                )
        continuing[best] = False
        advance(holders)

    covered = _coverage(cands, m)
    return CommitteeResult(
        rule="stv",
        winners=winners,
        scores=[float(v) for v in first],
        coverage={c: int(covered[c]) for c in winners},
        ballots=n,
        tie_break=describe_ties(ties, STV_POLICY),
    )
