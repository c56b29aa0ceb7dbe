from fastapi import APIRouter, Response, status

from app.auth.deps import AuditedOrganizerDep, Organizer
from app.auth.optional import MaybeOrganizerDep
from app.common.types import IdPath
from app.db import SessionDep, TransactionRoute
from app.events.deps import OrganizerEventDep
from app.events.service import get_event
from app.questions import service
from app.questions.models import Question
from app.questions.schemas import QuestionCreate, QuestionPublic, QuestionUpdate, question_public

router = APIRouter(route_class=TransactionRoute, prefix="/api/v1", tags=["registration form"])


def _public(db: SessionDep, question_id: int) -> QuestionPublic:
    question = service.get_question(db, question_id=question_id)
    for q, options in service.questions_of(db, event_id=question.event_id):
        if q.id == question_id:
            return question_public(q, list(options))
    raise AssertionError("a question just read belongs to its event")


def _question(db: SessionDep, who: Organizer, question_id: int) -> Question:
    """The question; 404 as for an unknown one when its event is outside the key's events."""
    question = service.get_question(db, question_id=question_id)
    who.check_event(question.event_id, f"Question {question_id} does not exist.")
    return question


@router.post("/events/{event_id}/questions", response_model=QuestionPublic, status_code=status.HTTP_201_CREATED)
def create_question(
    body: QuestionCreate, db: SessionDep, _: AuditedOrganizerDep, event: OrganizerEventDep
) -> QuestionPublic:
    """Add a question to the event's registration form. Choice questions need options; an
    option may have a capacity (rooms, places on a trip), kept like seats: the last place goes
    to exactly one person and the next gets 409 naming the option."""
    question = service.create_question(db, event_id=event.id or 0, data=body)
    return _public(db, question.id or 0)


@router.get("/events/{event_id}/questions", response_model=list[QuestionPublic], status_code=status.HTTP_200_OK)
def list_questions(event_id: IdPath, db: SessionDep, who: MaybeOrganizerDep) -> list[QuestionPublic]:
    """The event's questions in order, with each option's places left (public for a published event)."""
    if who is not None:
        who.check_event(event_id)
    get_event(db, event_id=event_id, include_unpublished=who is not None)
    return [question_public(q, list(o)) for q, o in service.questions_of(db, event_id=event_id)]


@router.patch("/questions/{question_id}", response_model=QuestionPublic, status_code=status.HTTP_200_OK)
def update_question(
    question_id: IdPath, body: QuestionUpdate, db: SessionDep, who: AuditedOrganizerDep
) -> QuestionPublic:
    """Change a question. With answers, its type cannot change, a chosen option cannot be
    deleted and a capacity cannot go below the places taken (409); labels, help, order,
    `required`, categories and new options can. `options`, when sent, is the full new list
    (existing options by `id`)."""
    service.update_question(db, question=_question(db, who, question_id), data=body)
    return _public(db, question_id)


@router.delete("/questions/{question_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def delete_question(question_id: IdPath, db: SessionDep, who: AuditedOrganizerDep) -> Response:
    """Delete a question nobody has answered (409 otherwise: answers are never lost)."""
    service.delete_question(db, question=_question(db, who, question_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
