from typing import Any

from fastapi import APIRouter, Query, Response, status

from app.auth.deps import AuditedOrganizerDep, OrganizerDep
from app.auth.optional import MaybeOrganizerDep
from app.common.ids import id_of
from app.common.pagination import Page, PageDep
from app.common.types import IdPath
from app.db import SessionDep, TransactionRoute, writes
from app.messages.schemas import AnnounceOut
from app.registrations.deps import MeDep
from app.sessions.schemas import SessionPublic
from app.settings import SettingsDep
from app.voting import export, flows, service
from app.voting import results as tally
from app.voting.deps import OrganizerPollDep, OrganizerTopicDep
from app.voting.models import Poll, PollStatus, TopicStatus
from app.voting.schemas import (
    BallotIn,
    BallotPublic,
    PollCreate,
    PollPublic,
    PollResults,
    PollUpdate,
    PublishedSessions,
    PublishIn,
    TopicCreate,
    TopicPublic,
    TopicUpdate,
)

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1", tags=["topic polls"])

PB_MEDIA_TYPE = "text/plain; charset=utf-8"
PB_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The anonymised ballots in the pabulib format (.pb)", "content": {"text/plain": {}}},
}


def _poll(db: SessionDep, poll: Poll, *, organizer: bool) -> PollPublic:
    statuses = tuple(TopicStatus) if organizer else (TopicStatus.approved,)
    topics = [TopicPublic.model_validate(t) for t in service.topics_of(db, poll_id=id_of(poll), statuses=statuses)]
    state = service.status_of(db, poll)
    return PollPublic.model_validate(poll).model_copy(
        update={"topics": topics, "status": state, "is_open": state == PollStatus.open}
    )


@router.post("/events/{event_id}/polls", response_model=PollPublic, status_code=status.HTTP_201_CREATED)
def create_poll(event_id: IdPath, body: PollCreate, db: SessionDep, who: AuditedOrganizerDep) -> PollPublic:
    """Create a topic poll: `seats` topics will run; `approval` (a set) or `ranked` (an order) ballots."""
    who.check_event(event_id)
    return _poll(db, service.create_poll(db, event_id=event_id, data=body), organizer=True)


@router.get("/events/{event_id}/polls", response_model=Page[PollPublic], status_code=status.HTTP_200_OK)
def list_polls(event_id: IdPath, db: SessionDep, who: MaybeOrganizerDep, page: PageDep) -> Page[PollPublic]:
    polls = service.list_polls(db, event_id=event_id, include_unpublished=who is not None)
    items = [_poll(db, p, organizer=who is not None) for p in polls[page.offset : page.offset + page.limit]]
    return Page(items=items, total=len(polls), limit=page.limit, offset=page.offset)


@router.get("/polls/{poll_id}", response_model=PollPublic, status_code=status.HTTP_200_OK)
def get_poll(poll_id: IdPath, db: SessionDep, who: MaybeOrganizerDep) -> PollPublic:
    """The poll with the topics on its ballot (organizers also see proposed and rejected ones)."""
    poll = service.get_poll(db, poll_id=poll_id, include_unpublished=who is not None)
    if who is not None:
        who.check_event(poll.event_id, f"Poll {poll_id} does not exist.")
    return _poll(db, poll, organizer=who is not None)


@router.patch("/polls/{poll_id}", response_model=PollPublic, status_code=status.HTTP_200_OK)
def update_poll(body: PollUpdate, db: SessionDep, _: AuditedOrganizerDep, poll: OrganizerPollDep) -> PollPublic:
    return _poll(db, service.update_poll(db, poll_id=id_of(poll), data=body), organizer=True)


@router.delete("/polls/{poll_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def delete_poll(db: SessionDep, _: AuditedOrganizerDep, poll: OrganizerPollDep) -> Response:
    service.delete_poll(db, poll_id=id_of(poll))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/polls/{poll_id}/topics", response_model=TopicPublic, status_code=status.HTTP_201_CREATED)
def add_topic(body: TopicCreate, db: SessionDep, _: AuditedOrganizerDep, poll: OrganizerPollDep) -> TopicPublic:
    """Add a candidate topic to the ballot (organizer)."""
    return TopicPublic.model_validate(service.add_topic(db, poll_id=id_of(poll), data=body))


@router.post("/polls/{poll_id}/proposals", response_model=TopicPublic, status_code=status.HTTP_201_CREATED)
def propose_topic(poll_id: IdPath, body: TopicCreate, db: SessionDep, me: MeDep) -> TopicPublic:
    """Propose a topic (participant, when the poll allows it). It reaches the ballot once an organizer approves it."""
    return TopicPublic.model_validate(service.add_topic(db, poll_id=poll_id, data=body, proposed_by=me))


@router.patch("/topics/{topic_id}", response_model=TopicPublic, status_code=status.HTTP_200_OK)
def update_topic(body: TopicUpdate, db: SessionDep, _: AuditedOrganizerDep, topic: OrganizerTopicDep) -> TopicPublic:
    """Edit a topic, or approve / reject a proposal."""
    return TopicPublic.model_validate(service.update_topic(db, topic_id=id_of(topic), data=body))


@router.delete("/topics/{topic_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def delete_topic(db: SessionDep, _: AuditedOrganizerDep, topic: OrganizerTopicDep) -> Response:
    service.delete_topic(db, topic_id=id_of(topic))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/polls/{poll_id}/ballot", response_model=BallotPublic, status_code=status.HTTP_200_OK)
def cast_ballot(poll_id: IdPath, body: BallotIn, db: SessionDep, me: MeDep) -> BallotPublic:
    """Cast or replace the caller's ballot (a set for approval polls, an order for ranked ones)."""
    ballot = service.cast_ballot(db, poll_id=poll_id, reg=me, topic_ids=body.topic_ids)
    return BallotPublic(poll_id=poll_id, topic_ids=body.topic_ids, updated_at=ballot.updated_at)


@router.get("/polls/{poll_id}/ballot", response_model=BallotPublic, status_code=status.HTTP_200_OK)
def read_ballot(poll_id: IdPath, db: SessionDep, me: MeDep) -> BallotPublic:
    """The caller's own ballot (nobody else can read it)."""
    ballot = service.own_ballot(db, poll_id=poll_id, reg=me)
    return BallotPublic(
        poll_id=poll_id, topic_ids=service.ballot_topics(db, ballot_id=id_of(ballot)), updated_at=ballot.updated_at
    )


@router.delete("/polls/{poll_id}/ballot", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def withdraw_ballot(poll_id: IdPath, db: SessionDep, me: MeDep) -> Response:
    service.withdraw_ballot(db, poll_id=poll_id, reg=me)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/polls/{poll_id}/results", response_model=PollResults, status_code=status.HTTP_200_OK)
def poll_results(
    db: SessionDep,
    _: OrganizerDep,
    poll: OrganizerPollDep,
    settings: SettingsDep,
    rule: str | None = Query(
        default=None,
        max_length=32,
        description=(
            "approval, pav, seq_pav, seq_phragmen, equal_shares, cc, borda, stv. Default: equal_shares for approval "
            "ballots, stv for ranked ballots (both proportional)."
        ),
    ),
    explain: bool = Query(
        default=False,
        description=(
            "Also explain the decision: equal shares' budgets, rounds, prices and payments, why the other topics "
            "were not bought and the completion; each round's scores or loads for sequential rules (seq-PAV, "
            "seq-Phragmén, CC, STV); the totals for the others."
        ),
    ),
) -> PollResults:
    """Tallies and winners (organizer), and whether the winners satisfy EJR and PJR on the ballots
    (`properties`, with a violating group when not). No identities: voters in explanations and
    violations are anonymous ballot numbers, and only from BALLOT_EXPORT_MIN_BALLOTS ballots on."""
    return tally.results(db, poll=poll, rule=rule, explain=explain, min_ballots=settings.ballot_export_min_ballots)


@router.get(
    "/polls/{poll_id}/ballots.pb",
    response_model=None,
    status_code=status.HTTP_200_OK,
    response_class=Response,
    responses=PB_RESPONSES,
)
@writes  # the audit entry
def export_ballots(db: SessionDep, who: OrganizerDep, poll: OrganizerPollDep, settings: SettingsDep) -> Response:
    """The poll's counted ballots, anonymised, in the pabulib format (organizers only; 409 below
    BALLOT_EXPORT_MIN_BALLOTS ballots). Voters are numbered 1..n by ballot content, as in explanations."""
    body = export.export_ballots(db, poll=poll, actor=who.label, min_ballots=settings.ballot_export_min_ballots)
    return Response(
        body,
        media_type=PB_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="poll-{poll.id}-ballots.pb"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/polls/{poll_id}/publish", response_model=PublishedSessions, status_code=status.HTTP_201_CREATED)
def publish(body: PublishIn, db: SessionDep, _: AuditedOrganizerDep, poll: OrganizerPollDep) -> PublishedSessions:
    """Turn the winners into workshop sessions in one time slot (call again for another slot)."""
    outcome, sessions = flows.publish(
        db, poll=poll, rule=body.rule, starts_at=body.starts_at, ends_at=body.ends_at, rooms=body.rooms
    )
    items = [SessionPublic.model_validate(s) for s in sessions]
    return PublishedSessions(
        items=items, total=len(items), limit=max(len(items), 1), offset=0, rule=outcome.rule, winners=outcome.winners
    )


@router.post("/polls/{poll_id}/announce", response_model=AnnounceOut, status_code=status.HTTP_200_OK)
def announce(db: SessionDep, _: AuditedOrganizerDep, poll: OrganizerPollDep) -> AnnounceOut:
    """Tell every confirmed participant by e-mail (and `poll.opened` webhooks) that the poll is
    open for voting. Only while it is open (409 otherwise); calling again sends again."""
    return AnnounceOut(recipients=flows.announce(db, poll=poll))
