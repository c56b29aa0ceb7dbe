"""What a rule did, round by round: the plain-data trace behind ``explain`` (pure, no numpy types out).

Voters are the rows of the rule's input, i.e. the non-empty ballots in the order given
(0-based here; the API numbers them 1..n). Candidates are indices ``0..m-1``.

The rules fill a trace only when asked (``steps`` is a list instead of ``None``), so the
plain path pays one ``is not None`` test per round and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Methods of explanation: how to read ``Trace.steps``.
EQUAL_SHARES = "equal_shares"  # budgets, prices and payments, then a completion
SEQUENTIAL = "sequential"  # one candidate per round by a score or load criterion
STV = "stv"  # rounds of elections and eliminations on transferred tallies
NOT_SEQUENTIAL = "not_sequential"  # one total per candidate; no rounds


@dataclass(frozen=True)
class Payment:
    """What one voter paid in a round (MES: budget spent; Phragmén: load added)."""

    voter: int
    amount: float


@dataclass(frozen=True)
class Step:
    """One round: the candidate it settled and the numbers it was decided on.

    phase:    ``equal_shares`` (bought with the voters' budgets), ``completion`` (seats
              left when nothing was affordable), ``sequential`` (seq-PAV, CC,
              seq-Phragmén), ``elect``/``eliminate``/``elect_remaining`` (STV), or
              ``unsupported`` (nobody approves what is left: lowest index).
    values:   the round's criterion for every candidate still in contention (see
              ``Trace.criterion``); MES prices of unaffordable candidates are left out.
    tied:     candidates equal to the best within the tolerance; the first won.
    cost:     price of the candidate (MES: 1 seat).
    price:    MES: rho, the most any supporter paid; Phragmén: the new maximal load.
    payments: who paid what (MES), whose load rose by how much (Phragmén).
    """

    number: int
    phase: str
    candidate: int
    values: dict[int, float]
    tied: tuple[int, ...]
    cost: float | None = None
    price: float | None = None
    payments: tuple[Payment, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class NotBought:
    """A candidate that MES did not buy: what its supporters had left against its cost.

    ``price`` is its rho had there been a seat left (it was affordable, but the seats ran
    out first), or ``None`` when its supporters could not pay ``cost`` together.
    """

    candidate: int
    supporters: int
    budget_left: float
    cost: float
    price: float | None


@dataclass(frozen=True)
class Trace:
    """The explanation of one election (see the module docstring for voters and candidates)."""

    method: str
    summary: str
    criterion: str = ""
    steps: list[Step] = field(default_factory=list)
    start_budget: float | None = None  # per voter, in seats (one topic costs one seat)
    budget_unit: str | None = None
    not_bought: list[NotBought] = field(default_factory=list)
    completion: str | None = None
    totals: list[float] | None = None  # per candidate, for rules without rounds


def values_of(values: np.ndarray, available: np.ndarray) -> dict[int, float]:
    """The finite values of the available candidates, as plain floats."""
    return {int(c): float(values[c]) for c in np.flatnonzero(available & np.isfinite(values))}


def payments_of(voters: np.ndarray, amounts: np.ndarray) -> tuple[Payment, ...]:
    return tuple(Payment(int(v), float(a)) for v, a in zip(voters, amounts, strict=True))
