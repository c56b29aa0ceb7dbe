"""The participant's own view: registration, session places, ballots and rankings."""

from sqlmodel import Session

from app.assignment.service import get_preferences
from app.capacity import ledger
from app.common.ids import id_of
from app.enrollments import service as enrollments
from app.enrollments.schemas import EnrollmentPublic
from app.me.schemas import MePublic
from app.questions import service as questions
from app.registrations.models import Registration
from app.voting.schemas import BallotPublic
from app.voting.service import ballots_of


def me_public(db: Session, reg: Registration) -> MePublic:
    db.refresh(reg)
    reg_id = id_of(reg)
    items = [
        EnrollmentPublic(
            session_id=e.session_id, status=e.status, source=e.source, waitlist_position=ledger.session_position(db, e)
        )
        for e, _ in enrollments.enrollments_of(db, registration_id=reg_id)
    ]
    ballots = [
        BallotPublic(poll_id=b.poll_id, topic_ids=topics, updated_at=b.updated_at)
        for b, topics in ballots_of(db, registration_id=reg_id)
    ]
    return MePublic.model_validate(reg).model_copy(
        update={
            "waitlist_position": ledger.event_position(db, reg),
            "enrollments": items,
            "ballots": ballots,
            "preferences": get_preferences(db, registration_id=reg_id),
            "answers": {
                str(k): v for k, v in questions.answers_of(db, registration_ids=[reg_id]).get(reg_id, {}).items()
            },
        }
    )
