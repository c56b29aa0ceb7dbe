"""The anonymised ballots of a poll as a pabulib file (``.pb``), for organizers.

Pabulib (the participatory-budgeting library's format, read by pabutools) is a text file
of three ``;``-separated sections::

    META              key;value rows: description, country, unit, instance, num_projects,
                      num_votes, budget, vote_type (approval or ordinal), rule, ...
    PROJECTS          project_id;cost;votes;name -- one row per topic
    VOTES             voter_id;vote -- one row per ballot, the project ids comma-separated
                      (ordinal: most preferred first)

A topic poll is a committee election: every topic costs 1 and the budget is the poll's
seats, so budget-based rules (e.g. pabutools' method_of_equal_shares) read it as it is
meant. ``project_id`` is the topic id. ``voter_id`` is 1..n in the order of
:func:`app.voting.results.anonymous_ballots` (sorted by ballot content), the same numbers
as in result explanations; no registration id, name, time or any other column about the
voter is written. Below ``BALLOT_EXPORT_MIN_BALLOTS`` counted ballots there is no file.
"""

import csv
import io
from collections.abc import Sequence

from sqlmodel import Session

from app.audit.service import record
from app.common.ids import id_of
from app.errors import Conflict
from app.events.models import Event
from app.voting.models import BallotType, Poll, Topic
from app.voting.results import anonymous_ballots
from app.voting.rules import DEFAULT_RULE


class TooFewBallots(Conflict):
    code, title = "too-few-ballots", "Too few ballots to export"


def write_pb(meta: Sequence[tuple[str, str]], projects: Sequence[Sequence[str]], votes: Sequence[Sequence[str]]) -> str:
    """The pabulib text: META (key;value), PROJECTS (project_id;cost;votes;name), VOTES (voter_id;vote)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(meta)
    writer.writerow(["PROJECTS"])
    writer.writerow(["project_id", "cost", "votes", "name"])
    writer.writerows(projects)
    writer.writerow(["VOTES"])
    writer.writerow(["voter_id", "vote"])
    writer.writerows(votes)
    return out.getvalue()


def ballots_pb(*, poll: Poll, event: Event, topics: list[Topic], ballots: list[list[int]]) -> str:
    """The pabulib text of these anonymised ballots (topic indices into ``topics``)."""
    ranked = poll.ballot == BallotType.ranked
    supporters = [0] * len(topics)
    for ballot in ballots:
        for i in ballot:
            supporters[i] += 1
    meta = [
        ("description", poll.title),
        ("country", "unknown"),
        ("unit", event.title),
        ("instance", str(event.starts_on.year)),
        ("subunit", f"poll {poll.id}"),
        ("num_projects", str(len(topics))),
        ("num_votes", str(len(ballots))),
        ("budget", str(poll.seats)),
        ("vote_type", "ordinal" if ranked else "approval"),
        ("rule", DEFAULT_RULE[str(poll.ballot)]),
        ("min_length", "1"),
        (
            "comment",
            "topic poll: every topic costs 1 and the budget is the number of seats; voter_id is 1..n "
            "in the order of ballot content, not of voters",
        ),
    ]
    projects = [(str(t.id), "1", str(supporters[i]), t.title) for i, t in enumerate(topics)]
    votes = [(str(v), ",".join(str(topics[c].id) for c in ballot)) for v, ballot in enumerate(ballots, start=1)]
    return write_pb(meta, projects, votes)


def export_ballots(db: Session, *, poll: Poll, actor: str, min_ballots: int) -> str:
    """The pabulib file of the poll's counted ballots, recorded in the audit log; 409 below
    ``min_ballots`` counted ballots (too few to hide who voted how)."""
    topics, ballots = anonymous_ballots(db, poll=poll)
    if len(ballots) < max(min_ballots, 1):
        raise TooFewBallots(
            f"The poll has {len(ballots)} counted ballots; the ballots are exported only from "
            f"{min_ballots} on (BALLOT_EXPORT_MIN_BALLOTS), so that no ballot can be traced "
            "to a person.",
            ballots=len(ballots),
            minimum=min_ballots,
        )
    event = db.get(Event, poll.event_id)
    assert event is not None  # the poll goes only with its event
    record(
        db,
        actor=actor,
        action="export.ballots",
        event_id=poll.event_id,
        target=f"poll:{id_of(poll)}",
        details={"format": "pabulib", "ballots": len(ballots), "topics": len(topics)},
    )
    return ballots_pb(poll=poll, event=event, topics=topics, ballots=ballots)
