"""A team member's label in audit entries fits the columns that store labels."""

import pytest

from app.auth.deps import Organizer
from app.auth.models import KEY_LABEL_MAX, KeyRole
from app.errors import Invalid
from app.team.models import MemberRole
from app.team.passwords import check_strength, common_passwords


def test_a_member_label_names_the_person_and_fits_the_columns() -> None:
    short = Organizer(name="Anna Nowak", role=KeyRole.organizer, key_id=None, user_id=7, member_role=MemberRole.owner)
    assert short.label == "user:7:Anna Nowak" and short.owner and not short.read_only
    long = Organizer(name="Ż" * 300, role=KeyRole.organizer, key_id=None, user_id=2147483647)
    assert len(long.label) == KEY_LABEL_MAX and long.label.startswith("user:2147483647:ŻŻ")


def test_common_passwords_are_refused_whatever_their_case() -> None:
    assert "zaq12wsxcde3" in common_passwords() and len(common_passwords()) > 100
    for weak in ("ZAQ12wsxCDE3", "short", "q1w2e3r4t5y6"):
        with pytest.raises(Invalid):
            check_strength(weak)
    check_strength("Seminarium w Serocku 2022")
