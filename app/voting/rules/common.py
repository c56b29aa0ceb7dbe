"""Shared data types and helpers for the voting rules (pure, numpy only).

Conventions used by every rule in :mod:`app.voting`:

* Candidates are the integers ``0 .. n_candidates - 1`` (the service orders topics
  by id, so a lower index is an earlier-created topic).
* An *approval ballot* is any iterable of candidate indices (duplicates are
  harmless). A *ranked ballot* is a sequence, most preferred first; it may be
  partial and must not repeat a candidate.
* Empty ballots are ignored: they are not counted in ``CommitteeResult.ballots``
  and carry no weight or budget.
* Ties are broken deterministically in favour of the lowest candidate index.
  Float comparisons use a relative tolerance of ``TOL`` so that values that are
  equal in exact arithmetic are treated as tied.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

TOL = 1e-9
LOWEST_INDEX = "ties broken in favour of the lowest candidate index (earliest topic)"


@dataclass(frozen=True)
class CommitteeResult:
    """Outcome of a committee election.

    rule:      name of the rule that produced the result (see ``RULES``).
    winners:   elected candidates, in order of election.
    scores:    one number per candidate; approvals for approval rules, Borda
               points for ``borda``, first-preference votes for ``stv``.
    coverage:  per winner, the number of voters who approve (or rank) it.
    ballots:   number of non-empty ballots counted.
    tie_break: how ties are broken and which ties actually occurred.
    """

    rule: str
    winners: list[int]
    scores: list[float]
    coverage: dict[int, int]
    ballots: int
    tie_break: str = LOWEST_INDEX


def check_size(n_candidates: int, seats: int) -> int:
    """Validate sizes; return the effective number of seats (all candidates if seats > m)."""
    if isinstance(n_candidates, bool) or not isinstance(n_candidates, (int, np.integer)):
        raise ValueError("n_candidates must be an integer")
    if isinstance(seats, bool) or not isinstance(seats, (int, np.integer)):
        raise ValueError("seats must be an integer")
    if n_candidates < 0:
        raise ValueError("n_candidates must be >= 0")
    if seats <= 0:
        raise ValueError("seats must be >= 1")
    return int(min(seats, n_candidates))


def _flatten(ballots: Iterable[Iterable[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Return (lengths, flat indices) of the non-empty ballots, validating the types."""
    try:
        lists = [list(b) for b in ballots]
    except TypeError as exc:
        raise ValueError("every ballot must be an iterable of candidate indices") from exc
    lists = [b for b in lists if b]
    lengths = np.fromiter((len(b) for b in lists), dtype=np.int64, count=len(lists))
    flat = np.array(list(chain.from_iterable(lists)))
    if flat.size == 0:
        return lengths, np.zeros(0, dtype=np.int64)
    if flat.dtype.kind not in "iu":
        raise ValueError("candidate indices must be integers")
    return lengths, flat.astype(np.int64)


def parse_ballots(
    ballots: Iterable[Iterable[int]], n_candidates: int, *, ranked: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate ballots; return ``(rows, positions, cands)`` of all non-empty ballots.

    ``rows[i]`` is the ballot number (0-based among non-empty ballots), ``positions[i]``
    the 0-based rank of ``cands[i]`` in that ballot. Raises ``ValueError`` on indices out
    of range, non-integer entries, and (for ranked ballots) sets or repeated candidates.
    """
    ballots = list(ballots)
    if ranked and any(isinstance(b, (set, frozenset, dict)) for b in ballots):
        raise ValueError("ranked ballots must be ordered sequences, not sets")
    lengths, cands = _flatten(ballots)
    if cands.size and (cands.min() < 0 or cands.max() >= n_candidates):
        raise ValueError(f"candidate index out of range 0..{n_candidates - 1}")
    rows = np.repeat(np.arange(lengths.size), lengths)
    starts = np.cumsum(lengths) - lengths
    positions = np.arange(cands.size) - np.repeat(starts, lengths)
    if ranked and cands.size:
        keys = rows * max(n_candidates, 1) + cands
        if np.unique(keys).size != keys.size:
            raise ValueError("a ranked ballot lists the same candidate twice")
    return rows, positions, cands


def approval_matrix(ballots: Iterable[Iterable[int]], n_candidates: int, *, ranked: bool = False) -> np.ndarray:
    """Dense 0/1 float matrix (non-empty ballots x candidates).

    Ranked ballots (``ranked=True``) approve every candidate they rank.
    """
    rows, _, cands = parse_ballots(ballots, n_candidates, ranked=ranked)
    n = int(rows[-1]) + 1 if rows.size else 0
    matrix = np.zeros((n, n_candidates), dtype=np.float64)
    matrix[rows, cands] = 1.0
    return matrix


def pick(values: np.ndarray, available: np.ndarray, *, maximize: bool) -> tuple[int, tuple[int, ...]]:
    """Best available candidate (lowest index among those tied within ``TOL``) and the tie set."""
    vals = np.where(available, values, -np.inf if maximize else np.inf)
    best = vals.max() if maximize else vals.min()
    tol = TOL * max(1.0, abs(float(best))) if np.isfinite(best) else 0.0
    if maximize:
        tied = np.flatnonzero(available & (values >= best - tol))
    else:
        tied = np.flatnonzero(available & (values <= best + tol))
    return int(tied[0]), tuple(int(c) for c in tied)


def describe_ties(ties: Sequence[tuple[int, ...]] | None, policy: str = LOWEST_INDEX) -> str:
    """Human-readable ``tie_break`` text: the policy plus the ties that occurred (if tracked)."""
    if ties is None:
        return policy
    real = [t for t in ties if len(t) > 1]
    if not real:
        return f"{policy}; no ties occurred"
    shown = "; ".join(f"{{{', '.join(map(str, t))}}} -> {t[0]}" for t in real[:5])
    more = f" (+{len(real) - 5} more)" if len(real) > 5 else ""
    return f"{policy}; ties resolved: {shown}{more}"


def result(
    rule: str,
    winners: list[int],
    scores: np.ndarray,
    matrix: np.ndarray,
    ties: list[tuple[int, ...]] | None,
    policy: str = LOWEST_INDEX,
) -> CommitteeResult:
    """Assemble a :class:`CommitteeResult` (coverage is read from the approval matrix)."""
    counts = matrix.sum(axis=0) if matrix.size else np.zeros(matrix.shape[1])
    return CommitteeResult(
        rule=rule,
        winners=[int(c) for c in winners],
        scores=[float(s) for s in scores],
        coverage={int(c): int(counts[c]) for c in winners},
        ballots=int(matrix.shape[0]),
        tie_break=describe_ties(ties, policy),
    )
