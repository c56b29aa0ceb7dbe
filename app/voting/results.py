"""Tallies and winners of a poll, whether they satisfy EJR and PJR, and (on request) how the
rule decided (publishing them as sessions: app/voting/flows.py; the ballot file: app/voting/export.py).

Only ballots of confirmed registrations count. Individual ballots never leave this module with
an identity: callers get tallies and winners, and explanations number voters 1..n in the order
of :func:`anonymous_ballots` (by ballot content), shown only from a minimum number of ballots.
"""

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.common.ids import id_of
from app.errors import Invalid
from app.registrations.models import Registration, RegistrationStatus
from app.voting import rules
from app.voting.models import Ballot, BallotChoice, BallotType, Poll, Topic
from app.voting.rules import proportionality, trace
from app.voting.schemas import (
    VOTERS_DOC,
    Budget,
    ExplainedRound,
    Explanation,
    NotBoughtTopic,
    PaymentGroup,
    PollResults,
    Properties,
    TopicResult,
    TopicValue,
    Violation,
)
from app.voting.service import topics_of

RANKED_AS_APPROVAL = "ranked ballots: as the approval of every topic they rank"


def counted_ballot_owners(db: Session, *, poll_id: int) -> dict[int, list[int]]:
    """Registration id -> topic ids of the counted ballots (confirmed registrations only).

    Used for tallies and the joint assignment; never returned to clients.
    """
    rows = db.exec(
        select(Ballot.registration_id, BallotChoice.topic_id)
        .join(BallotChoice, col(BallotChoice.ballot_id) == Ballot.id)
        .join(Registration, col(Registration.id) == Ballot.registration_id)
        .where(Ballot.poll_id == poll_id, Registration.status == RegistrationStatus.confirmed)
        .order_by(col(Ballot.registration_id), col(BallotChoice.rank))
    ).all()
    owners: dict[int, list[int]] = defaultdict(list)
    for reg_id, topic_id in rows:
        owners[reg_id].append(topic_id)
    return dict(owners)


def counted_ballots(db: Session, *, poll_id: int) -> list[list[int]]:
    """Each counted ballot as its topic ids in ballot order (one ballot per registration)."""
    return list(counted_ballot_owners(db, poll_id=poll_id).values())


def anonymous_ballots(db: Session, *, poll: Poll) -> tuple[list[Topic], list[list[int]]]:
    """The poll's topics (by id) and its counted non-empty ballots as topic indices, in an
    order that tells nothing about who cast them: approval ballots as sorted sets, ranked ones
    in their order, and the ballots sorted by that content. Ballot ``i`` here is voter ``i + 1``
    of explanations and of the pabulib file."""
    topics = topics_of(db, poll_id=id_of(poll))
    index = {t.id: i for i, t in enumerate(topics)}
    ranked = poll.ballot == BallotType.ranked
    ballots = [[index[t] for t in b if t in index] for b in counted_ballots(db, poll_id=id_of(poll))]
    return topics, sorted(b if ranked else sorted(b) for b in ballots if b)


def resolve_rule(poll: Poll, rule: str | None) -> str:
    name = rule or rules.DEFAULT_RULE[poll.ballot.value if hasattr(poll.ballot, "value") else poll.ballot]
    if name not in rules.RULES:
        raise Invalid(f"Unknown rule {name!r}; choose one of: {', '.join(sorted(rules.RULES))}.", field="rule")
    return name


def results(
    db: Session, *, poll: Poll, rule: str | None, explain: bool = False, min_ballots: int | None = None
) -> PollResults:
    """Winners and tallies; ``explain``: also the rule's rounds. Voter numbers appear in the
    explanation and in EJR/PJR witnesses only when at least ``min_ballots`` ballots were
    counted (``None``: never)."""
    name = resolve_rule(poll, rule)
    topics, ballots = anonymous_ballots(db, poll=poll)
    supporters = [0] * len(topics)
    for ballot in ballots:
        for i in ballot:
            supporters[i] += 1
    explained: rules.Trace | None = None
    if topics and ballots:
        try:
            if explain:
                outcome, explained = rules.explain(name, ballots, len(topics), poll.seats, str(poll.ballot))
            else:
                outcome = rules.compute(name, ballots, len(topics), poll.seats, str(poll.ballot))
        except ValueError as exc:
            raise Invalid(str(exc), field="rule") from exc
        name = outcome.rule  # e.g. exact PAV that fell back to seq-PAV says so
        winners, scores, tie_break = list(outcome.winners), list(outcome.scores), outcome.tie_break
    else:
        winners, scores, tie_break = [], [0.0] * len(topics), "no ballots yet" if topics else "no topics"
    show = min_ballots is not None and len(ballots) >= min_ballots
    elected = set(winners)
    covered = sum(1 for b in ballots if elected.intersection(b))
    checked = proportionality.check(ballots, len(topics), winners)
    return PollResults(
        rule=name,
        ballot=poll.ballot,
        seats=poll.seats,
        ballots=len(ballots),
        winners=[topics[i].id for i in winners],
        covered=covered,
        tie_break=tie_break,
        topics=[
            TopicResult(id=t.id, title=t.title, score=float(scores[i]), supporters=supporters[i], elected=i in elected)
            for i, t in enumerate(topics)
        ],
        properties=_properties(checked, topics, show, poll),
        explanation=_explanation(explained, topics, winners, len(ballots), show) if explain else None,
    )


def _voters(rows: Sequence[int], show: bool) -> list[int] | None:
    return [r + 1 for r in rows] if show else None


def _violation(witness: proportionality.Witness | None, topics: list[Topic], show: bool) -> Violation | None:
    if witness is None:
        return None
    return Violation(
        ell=witness.ell,
        topic_ids=[id_of(topics[c]) for c in witness.candidates],
        group_size=len(witness.voters),
        voters=_voters(witness.voters, show),
    )


def _properties(checked: proportionality.Proportionality, topics: list[Topic], show: bool, poll: Poll) -> Properties:
    return Properties(
        ejr=checked.ejr,
        pjr=checked.pjr,
        ejr_violation=_violation(checked.ejr_witness, topics, show),
        pjr_violation=_violation(checked.pjr_witness, topics, show),
        ballots_read_as=RANKED_AS_APPROVAL if poll.ballot == BallotType.ranked else "approval ballots",
        method=checked.method,
        seconds=round(checked.seconds, 6),
    )


def _payments(payments: Sequence[trace.Payment], show: bool) -> list[PaymentGroup]:
    """Voters who paid the same (to 12 decimals) together, largest amount first."""
    groups: dict[float, list[int]] = defaultdict(list)
    for p in payments:
        groups[round(p.amount, 12)].append(p.voter)
    return [
        PaymentGroup(amount=amount, count=len(voters), voters=_voters(voters, show))
        for amount, voters in sorted(groups.items(), reverse=True)
    ]


def _values(values: dict[int, float] | Sequence[float], topics: list[Topic]) -> list[TopicValue]:
    items = values.items() if isinstance(values, dict) else enumerate(values)
    return [TopicValue(topic_id=id_of(topics[c]), value=float(v)) for c, v in items]


def _reason(item: trace.NotBought, elected: bool) -> str:
    if item.price is not None:
        why = f"affordable (rho {item.price:.6g}), but every seat was already bought"
    elif item.supporters == 0:
        why = "nobody approves it"
    else:
        why = (
            f"its {item.supporters} supporters had {item.budget_left:.6g} of a seat left together, less than its "
            f"cost {item.cost:g}"
        )
    return why + ("; elected in the completion" if elected else "")


def _explanation(
    explained: rules.Trace | None, topics: list[Topic], winners: list[int], n: int, show: bool
) -> Explanation:
    if explained is None:
        return Explanation(
            method="not_sequential",
            summary="Nothing to explain: no ballots or no topics yet.",
            criterion="",
            voters=VOTERS_DOC,
            budget=None,
            rounds=[],
            not_bought=[],
            completion=None,
            totals=None,
        )
    rounds = [
        ExplainedRound(
            round=s.number,
            phase=s.phase,
            topic_id=id_of(topics[s.candidate]),
            tied=[id_of(topics[c]) for c in s.tied],
            scores=_values(s.values, topics),
            cost=s.cost,
            price=s.price,
            payments=_payments(s.payments, show),
            note=s.note or None,
        )
        for s in explained.steps
    ]
    budget = None
    if explained.start_budget is not None:
        budget = Budget(
            per_voter=explained.start_budget,
            voters=n,
            total=explained.start_budget * n,
            unit=explained.budget_unit or "",
        )
    elected = set(winners)
    return Explanation(
        method=explained.method,
        summary=explained.summary,
        criterion=explained.criterion,
        voters=VOTERS_DOC,
        budget=budget,
        rounds=rounds,
        not_bought=[
            NotBoughtTopic(
                topic_id=id_of(topics[b.candidate]),
                supporters=b.supporters,
                supporters_budget=b.budget_left,
                cost=b.cost,
                affordable=b.price is not None,
                price=b.price,
                reason=_reason(b, b.candidate in elected),
            )
            for b in explained.not_bought
        ],
        completion=explained.completion,
        totals=_values(explained.totals, topics) if explained.totals is not None else None,
    )
