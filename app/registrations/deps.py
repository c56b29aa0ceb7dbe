"""The participant credential: the registration token (stored only as a digest), or a signed
personal link from an e-mail (app/registrations/links.py)."""

from typing import Annotated

from fastapi import Depends

from app.auth.deps import BearerDep, bearer_token
from app.common.time import utcnow
from app.db import SessionDep
from app.errors import Unauthorized
from app.registrations import links
from app.registrations.models import Registration
from app.registrations.service import by_token
from app.settings import SettingsDep


def current_registration(db: SessionDep, creds: BearerDep, settings: SettingsDep) -> Registration:
    credential = bearer_token(creds)
    if links.is_link(credential):
        return links.resolve(db, settings, credential, now=utcnow())
    reg = by_token(db, token=credential)
    if reg is None:
        raise Unauthorized("Missing or invalid registration token.")
    return reg


MeDep = Annotated[Registration, Depends(current_registration)]
