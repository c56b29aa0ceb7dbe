"""The assignment run's networking options and fairness: from the request to the solver, and back.

The optimisation itself is pure (app/assignment/solver/networking.py): caps per organization or
partnership and workshop, keeping partnerships together, leximin fairness over the regrets. Here
the groups are read (`service.groups_of`), the options checked, and the answer's figures made:
this run beside the rank-maximal optimum without the networking options, largest groups per
workshop, partner pairs together and apart, and workshops where fixed seats alone exceed a cap.
"""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.assignment.schemas import Figures, GroupFigures, NetworkingOut, OverCapOut
from app.assignment.service import groups_of
from app.assignment.solver import networking
from app.assignment.solver.problem import Fairness, Method, Problem, Result
from app.errors import Invalid


@dataclass(frozen=True)
class Options:
    fairness: Fairness = Fairness.none
    max_per_organization: int | None = None
    max_per_partnership: int | None = None
    keep_partnerships_together: bool = False

    @property
    def any_networking(self) -> bool:
        return (
            self.max_per_organization is not None
            or self.max_per_partnership is not None
            or self.keep_partnerships_together
        )

    def check(self, *, method: Method, keep_improving_only: bool) -> None:
        if self.any_networking and method != Method.optimal:
            raise Invalid("The networking options work with method 'optimal' only.", field="method")
        capped = self.max_per_organization is not None or self.max_per_partnership is not None
        if capped and keep_improving_only:
            raise Invalid(
                "Caps per organization or partnership cannot be combined with keep_improving_only "
                "(a kept seat could break a cap).",
                field="keep_improving_only",
            )

    def networking(self, db: Session, *, event_id: int, participants: list[int]) -> networking.Networking:
        if not self.any_networking:
            return networking.Networking()
        org, part = groups_of(db, event_id=event_id, participants=participants)
        return networking.Networking(
            organization=org,
            partnership=part,
            max_per_organization=self.max_per_organization,
            max_per_partnership=self.max_per_partnership,
            keep_partnerships_together=self.keep_partnerships_together,
        )


def fairness_fields(problem: Problem, result: Result, fairness: str) -> dict[str, Any]:
    regrets = networking.regrets(problem, result.assignment)
    count = Counter(regrets)
    top = max(regrets, default=0)
    return {
        "fairness": fairness,
        "fairness_status": result.fairness_status,
        "max_regret": top,
        "regret_counts": [count.get(v, 0) for v in range(top + 1)] if regrets else [],
    }


def _groups(
    problem: Problem, result: Result, net: networking.Networking, figures: Figures
) -> tuple[GroupFigures, list[OverCapOut]]:
    report = networking.report(problem, result.assignment, net)
    return GroupFigures(
        first_choice_share=figures.first_choice_share,
        top3_share=figures.top3_share,
        largest_organization_group=report.largest_organization_group,
        largest_partnership_group=report.largest_partnership_group,
        pairs_together=report.pairs_together,
        pairs_apart=report.pairs_apart,
    ), [
        OverCapOut(kind=o.kind, group=o.group, session_id=o.workshop, seats=o.seats, fixed=o.fixed, cap=o.cap)
        for o in report.over_cap
    ]


def networking_out(
    problem: Problem,
    result: Result,
    unconstrained: Result,
    net: networking.Networking,
    figures: Figures,
    unconstrained_figures: Figures,
) -> NetworkingOut:
    """`figures`: this run's, counted as every run's (app/assignment/solver/changes.py: `figures`)."""
    mine, over = _groups(problem, result, net, figures)
    free, _ = _groups(problem, unconstrained, net, unconstrained_figures)
    return NetworkingOut(
        constrained=mine,
        unconstrained=unconstrained_figures,
        unconstrained_groups=free,
        first_choice_cost=unconstrained_figures.first_choice_share - figures.first_choice_share,
        over_cap=over,
        together_met=(mine.pairs_apart == 0) if net.keep_partnerships_together else None,
    )
