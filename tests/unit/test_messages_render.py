"""Rendering and building e-mails: dates in Polish and English, no header injection."""

import email
import email.policy
from datetime import UTC, date, datetime
from email.message import EmailMessage

import pytest

from app.common.time import utcnow
from app.messages import mail, render
from app.messages.models import OutboxMessage
from app.settings import Settings


@pytest.mark.parametrize(
    ("first", "last", "language", "expected"),
    [
        (date(2022, 11, 29), date(2022, 11, 30), "pl", "29–30 listopada 2022"),
        (date(2022, 11, 30), date(2022, 12, 1), "pl", "30 listopada – 1 grudnia 2022"),
        (date(2022, 12, 31), date(2023, 1, 1), "pl", "31 grudnia 2022 – 1 stycznia 2023"),
        (date(2022, 11, 29), date(2022, 11, 29), "en", "29 November 2022"),
        (date(2022, 11, 29), date(2022, 11, 30), "en", "29–30 November 2022"),
    ],
)
def test_date_ranges(first: date, last: date, language: str, expected: str) -> None:
    assert render.date_range(first, last, language) == expected


def test_session_times_are_in_the_event_zone() -> None:
    start, end = datetime(2022, 11, 29, 13, 0, tzinfo=UTC), datetime(2022, 11, 29, 14, 30, tzinfo=UTC)
    assert render.when(start, end, "Europe/Warsaw", "pl") == "29 listopada 2022, 14:00–15:30"
    summer = datetime(2023, 6, 1, 12, 0, tzinfo=UTC)
    assert render.when(summer, summer, "Europe/Warsaw", "en") == "1 June 2023, 14:00–14:00"


def _message(**overrides: object) -> OutboxMessage:
    values: dict[str, object] = dict(
        uid="msg_abc",
        channel="email",
        kind="broadcast",
        recipient="ola@gmina.pl",
        recipient_name="Ola Żak",
        subject="Zmiana sali",
        language="pl",
        created_at=utcnow(),
    )
    values.update(overrides)
    return OutboxMessage(**values)


@pytest.mark.parametrize("field", ["subject", "recipient_name"])
def test_no_header_can_be_injected(field: str) -> None:
    message = _message(**{field: "Zmiana\r\nBcc: all@example.org\nX-Evil: 1"})
    built = mail.build(message, text="Treść", html="<p>Treść</p>", settings=Settings())
    raw = bytes(built).decode()
    headers = raw.split("\n\n", 1)[0]
    assert "\nBcc:" not in headers and "\nX-Evil" not in headers
    assert built["Bcc"] is None and built["X-Evil"] is None


def test_polish_names_and_subjects_are_encoded_words() -> None:
    built = mail.build(
        _message(subject="Zwolniło się miejsce – Łódź"),
        text="ż",
        html="<p>ż</p>",
        settings=Settings(mail_from="Sekretariat Żółć <biuro@seminarium.example>"),
    )
    raw = bytes(built)
    head = raw.split(b"\n\n", 1)[0]
    assert head.isascii()  # RFC 2047 encoded words, readable by every server
    received = email.message_from_bytes(raw, policy=email.policy.default)  # as a mail client reads it
    assert isinstance(received, EmailMessage)
    assert str(received["Subject"]) == "Zwolniło się miejsce – Łódź"
    assert received["From"].addresses[0].display_name == "Sekretariat Żółć"
    assert received["To"].addresses[0].display_name == "Ola Żak"
    assert received["Message-ID"] == "<msg_abc@seminarium.example>"
    assert received["Content-Language"] == "pl"
    assert {p.get_content_type() for p in received.iter_parts()} == {"text/plain", "text/html"}
    assert received.get_body(("plain",)).get_content() == "ż"  # type: ignore[union-attr]


def test_an_internationalised_address_keeps_the_email_message_path() -> None:
    built = mail.build(_message(recipient="ola@żak.pl"), text="ż", html="<p>ż</p>", settings=Settings())
    assert isinstance(built, EmailMessage)
    assert built["To"].addresses[0].domain == "żak.pl"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org:2525", ("smtp", "mail.example.org", 2525, None, None)),
        (
            "smtp+starttls://user%40x:p%3Ass@mail.example.org",
            ("smtp+starttls", "mail.example.org", 587, "user@x", "p:ss"),
        ),
        ("smtps://u:p@mail.example.org", ("smtps", "mail.example.org", 465, "u", "p")),
    ],
)
def test_smtp_urls(url: str, expected: tuple[object, ...]) -> None:
    target = mail.parse_smtp_url(url)
    assert (target.scheme, target.host, target.port, target.username, target.password) == expected


def test_bad_smtp_url() -> None:
    with pytest.raises(ValueError, match="SMTP_URL"):
        mail.parse_smtp_url("http://mail.example.org")


def test_html_part_escapes_and_links() -> None:
    rendered = render.render(
        "broadcast",
        "pl",
        {
            "subject": "Test",
            "text": "<script>alert(1)</script> https://seminar.example/me",
            "event_title": "S",
            "event_dates": "d",
            "venue": "v",
            "me_url": "https://seminar.example/me",
            "recover_url": "r",
        },
    )
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert '<a href="https://seminar.example/me">' in rendered.html
