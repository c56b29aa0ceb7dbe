"""Multi-winner voting rules for topic polls: registry and entry point.

Pure and deterministic: plain data in, :class:`CommitteeResult` out; imports
only numpy/scipy and the sibling modules of :mod:`app.voting`.

    >>> compute("equal_shares", [[0, 1, 2]] * 100 + [[3]] * 50, 4, 3).winners
    [0, 1, 3]

Rules (``RULES[name].ballot_types`` says which ballots each accepts):

=============  ==========================================================  =========
name           rule                                                        ballots
=============  ==========================================================  =========
approval       approval voting: top ``seats`` by approvals (majoritarian)  both
sav            satisfaction approval voting                                both
seq_pav        sequential PAV                                              both
pav            exact PAV (MILP, HiGHS); seq-PAV beyond a size/time limit   both
seq_phragmen   Phragmén's sequential rule                                  both
equal_shares   Method of Equal Shares, seq-Phragmén completion             both
cc             sequential Chamberlin-Courant                               both
borda          multi-winner Borda, truncated ballots score 0 for unranked  ranked
stv            STV, Droop quota, weighted inclusive Gregory transfers      ranked
=============  ==========================================================  =========

A ranked ballot given to an approval rule approves every candidate it ranks.
:func:`explain` runs a rule and also returns its :class:`~app.voting.rules.trace.Trace`
(rounds, prices, payments; :mod:`.explain`); :mod:`.proportionality` checks EJR and PJR
of any committee exactly, with a time limit.
Defaults (:data:`DEFAULT_RULE`) are the proportional rules ``equal_shares`` for
approval ballots (proportional in the strong EJR sense, and what abcvoting and
participatory-budgeting practice recommend) and ``stv`` for ranked ballots.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .approval import approval, cc, equal_shares, sav, seq_pav, seq_phragmen
from .common import CommitteeResult, check_size, parse_ballots
from .explain import EXPLAINERS
from .pav import pav
from .ranked import borda, stv
from .trace import Trace

__all__ = [
    "BALLOT_TYPES",
    "DEFAULT_RULE",
    "RULES",
    "CommitteeResult",
    "RuleSpec",
    "Trace",
    "compute",
    "explain",
    "approval",
    "sav",
    "seq_pav",
    "pav",
    "seq_phragmen",
    "equal_shares",
    "cc",
    "borda",
    "stv",
]

BALLOT_TYPES = ("approval", "ranked")
# Ballots may be any iterables: ranked rules refuse unordered ones (sets) with ValueError.
RuleFunction = Callable[[Iterable[Iterable[int]], int, int], CommitteeResult]


@dataclass(frozen=True)
class RuleSpec:
    """A registered rule: its function, the ballot types it accepts, a one-line summary."""

    name: str
    function: RuleFunction
    ballot_types: frozenset[str]
    proportional: bool
    summary: str


_BOTH = frozenset(BALLOT_TYPES)
_RANKED = frozenset({"ranked"})

RULES: dict[str, RuleSpec] = {
    spec.name: spec
    for spec in (
        RuleSpec("approval", approval, _BOTH, False, "the seats most-approved topics"),
        RuleSpec("sav", sav, _BOTH, False, "satisfaction approval voting"),
        RuleSpec("pav", pav, _BOTH, True, "proportional approval voting (exact when small)"),
        RuleSpec("seq_pav", seq_pav, _BOTH, True, "sequential proportional approval voting"),
        RuleSpec("seq_phragmen", seq_phragmen, _BOTH, True, "Phragmén's sequential rule"),
        RuleSpec("equal_shares", equal_shares, _BOTH, True, "Method of Equal Shares"),
        RuleSpec("cc", cc, _BOTH, True, "sequential Chamberlin-Courant"),
        RuleSpec("borda", borda, _RANKED, False, "multi-winner Borda count"),
        RuleSpec("stv", stv, _RANKED, True, "single transferable vote (Droop, Gregory)"),
    )
}

DEFAULT_RULE: dict[str, str] = {"approval": "equal_shares", "ranked": "stv"}


def _validated(
    rule: str | None, ballots: Iterable[Iterable[int]], n_candidates: int, seats: int, ballot_type: str
) -> tuple[RuleSpec, list[Iterable[int]]]:
    if ballot_type not in BALLOT_TYPES:
        raise ValueError(f"unknown ballot type {ballot_type!r}; expected one of {BALLOT_TYPES}")
    name = DEFAULT_RULE[ballot_type] if rule is None else rule
    spec = RULES.get(name)
    if spec is None:
        raise ValueError(f"unknown rule {name!r}; expected one of {sorted(RULES)}")
    if ballot_type not in spec.ballot_types:
        raise ValueError(f"rule {name!r} needs {'/'.join(sorted(spec.ballot_types))} ballots")
    check_size(n_candidates, seats)
    listed = list(ballots)
    if ballot_type == "ranked" and spec.ballot_types != _RANKED:
        # validate as ranked ballots (order, no repeats), then approve everything ranked
        parse_ballots(listed, n_candidates, ranked=True)
    return spec, listed


def compute(
    rule: str | None, ballots: Iterable[Iterable[int]], n_candidates: int, seats: int, ballot_type: str = "approval"
) -> CommitteeResult:
    """Validate the input and run ``rule`` (``None``: the default for ``ballot_type``).

    * ``seats > n_candidates``: every candidate is elected (in the rule's order).
    * ``seats <= 0``, unknown rule or ballot type, a ranked-only rule on approval
      ballots, indices outside ``0..n_candidates-1``, non-integer entries, or a
      ranked ballot repeating a candidate: ``ValueError``.
    * Empty ballots are ignored.
    """
    spec, listed = _validated(rule, ballots, n_candidates, seats, ballot_type)
    return spec.function(listed, n_candidates, seats)


def explain(
    rule: str | None, ballots: Iterable[Iterable[int]], n_candidates: int, seats: int, ballot_type: str = "approval"
) -> tuple[CommitteeResult, Trace]:
    """:func:`compute` plus the rule's :class:`~app.voting.rules.trace.Trace` (rounds, prices, payments).

    The result is the one :func:`compute` returns for the same input; the rounds' voters
    are the non-empty ballots in the order given (0-based).
    """
    spec, listed = _validated(rule, ballots, n_candidates, seats, ballot_type)
    return EXPLAINERS[spec.name](listed, n_candidates, seats)
