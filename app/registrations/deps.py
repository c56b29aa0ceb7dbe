"""The participant credential: the registration token (stored only as a digest)."""

from typing import Annotated

from fastapi import Depends

from app.auth.deps import BearerDep, bearer_token
from app.db import SessionDep
from app.errors import Unauthorized
from app.registrations.models import Registration
from app.registrations.service import by_token


def current_registration(db: SessionDep, creds: BearerDep) -> Registration:
    reg = by_token(db, token=bearer_token(creds))
    if reg is None:
        raise Unauthorized("Missing or invalid registration token.")
    return reg


MeDep = Annotated[Registration, Depends(current_registration)]
