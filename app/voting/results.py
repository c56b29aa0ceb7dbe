"""Tallies and winners of a poll (publishing them as sessions: app/voting/flows.py).

Only ballots of confirmed registrations count. Individual ballots never leave this
module: callers get tallies and winners only.
"""

from collections import defaultdict

from sqlmodel import Session, col, select

from app.common.ids import id_of
from app.errors import Invalid
from app.registrations.models import Registration, RegistrationStatus
from app.voting import rules
from app.voting.models import Ballot, BallotChoice, Poll
from app.voting.schemas import PollResults, TopicResult
from app.voting.service import topics_of


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


def resolve_rule(poll: Poll, rule: str | None) -> str:
    name = rule or rules.DEFAULT_RULE[poll.ballot.value if hasattr(poll.ballot, "value") else poll.ballot]
    if name not in rules.RULES:
        raise Invalid(f"Unknown rule {name!r}; choose one of: {', '.join(sorted(rules.RULES))}.", field="rule")
    return name


def results(db: Session, *, poll: Poll, rule: str | None) -> PollResults:
    name = resolve_rule(poll, rule)
    poll_id = id_of(poll)
    topics = topics_of(db, poll_id=poll_id)
    index = {t.id: i for i, t in enumerate(topics)}
    ballots = [[index[t] for t in b if t in index] for b in counted_ballots(db, poll_id=poll_id)]
    ballots = [b for b in ballots if b]
    supporters = [0] * len(topics)
    for ballot in ballots:
        for i in ballot:
            supporters[i] += 1
    if topics and ballots:
        try:
            outcome = rules.compute(name, ballots, len(topics), poll.seats, str(poll.ballot))
        except ValueError as exc:
            raise Invalid(str(exc), field="rule") from exc
        winners, scores, tie_break = list(outcome.winners), list(outcome.scores), outcome.tie_break
    else:
        winners, scores, tie_break = [], [0.0] * len(topics), "no ballots yet" if topics else "no topics"
    name = outcome.rule if topics and ballots else name  # e.g. exact PAV that fell back to seq-PAV says so
    elected = set(winners)
    covered = sum(1 for b in ballots if elected.intersection(b))
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
    )
