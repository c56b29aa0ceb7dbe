"""Load the networking seminar that started this project: `python -m app.demo` (make demo).

Serock, 29-30 November 2022 (Europe/Warsaw): plenaries on the state of the advisory
programme, afternoon parallel workshops on topics the participants chose, a session on EU
funds 2021-2027, a panel and a second workshop round; ~150 synthetic participants from 77
municipal partnerships. Everything is generated deterministically (seeded); no real people.
"""

import random
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from app import tables  # noqa: F401 - every table model, so foreign keys resolve
from app.common.ids import id_of
from app.db import make_engine, open_session
from app.events.models import Event
from app.events.schemas import EventCreate
from app.events.service import create_event
from app.registrations.models import Category
from app.registrations.schemas import RegistrationCreate
from app.registrations.service import register
from app.sessions.schemas import SessionCreate
from app.sessions.service import create_session
from app.settings import get_settings

SLUG = "seminarium-sieciujace-serock-2022"
TZ = ZoneInfo("Europe/Warsaw")
WORKSHOP_TOPICS = [
    "Transformacja energetyczna",
    "Transport i mobilność",
    "Gospodarka lokalna",
    "Edukacja i usługi społeczne",
    "Dziedzictwo kulturowe i przyrodnicze",
]
PANEL = ("Wsparcie partnerstw, JST, OSI w programach na lata 2021–2027 – "
         "kryteria horyzontalne i zasady finansowania")
FIRST = ["Anna", "Małgorzata", "Katarzyna", "Agnieszka", "Barbara", "Ewa", "Elżbieta", "Żaneta", "Jolanta",
         "Łucja", "Grażyna", "Urszula", "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Łukasz",
         "Grzegorz", "Zbigniew", "Jarosław", "Maciej", "Wojciech", "Przemysław", "Bożena", "Sławomir", "Jędrzej"]
LAST = ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
        "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk",
        "Piotrowski", "Grabowski", "Nowakowski", "Pawłowski", "Michalski", "Król", "Wieczorek", "Jabłoński",
        "Wróbel", "Zając", "Stępień", "Górski", "Żółtowski", "Ślusarczyk", "Łęcki", "Świątek", "Ćwikła"]
TOWNS = ["Serock", "Pułtusk", "Łomża", "Ełk", "Gołdap", "Sejny", "Żyrardów", "Łowicz", "Kłodzko", "Świdnica",
         "Środa Śląska", "Bieżuń", "Głubczyce", "Nowa Dęba", "Łęczna", "Włodawa", "Ząbkowice Śląskie", "Żuromin",
         "Chełm", "Biłgoraj", "Szczytno", "Kętrzyn", "Mrągowo", "Pisz", "Olecko", "Bełchatów", "Opoczno",
         "Końskie", "Włoszczowa", "Busko-Zdrój", "Hrubieszów", "Tomaszów Lubelski", "Zwoleń", "Lipsko",
         "Przysucha", "Szydłowiec", "Gostynin", "Sierpc", "Rypin", "Golub-Dobrzyń", "Łasin", "Nowe Miasto",
         "Brodnica", "Działdowo", "Nidzica", "Złotów", "Wałcz", "Drawsko Pomorskie", "Świdwin", "Łobez"]
REGIONS = ["Doliny Bugu", "Ziemi Łomżyńskiej", "Pojezierza Ełckiego", "Doliny Baryczy", "Ziemi Kłodzkiej",
           "Zielonej Krainy", "Roztocza", "Polesia", "Mazur Garbatych", "Ponidzia", "Kurpi", "Żuław",
           "Kujaw Wschodnich", "Pogórza", "Ziemi Dobrzyńskiej", "Krajny", "Pomorza Środkowego", "Warmii"]


def _at(day: int, hh: int, mm: int) -> datetime:
    return datetime(2022, 11, 28 + day, hh, mm, tzinfo=TZ)


def _programme() -> list[SessionCreate]:
    items = [
        SessionCreate(title="Otwarcie seminarium", kind="plenary", starts_at=_at(1, 10, 0), ends_at=_at(1, 10, 30),
                      room="Sala Narew", capacity=160),
        SessionCreate(title="Stan realizacji programu doradczego dla partnerstw", kind="plenary",
                      starts_at=_at(1, 10, 30), ends_at=_at(1, 12, 30), room="Sala Narew", capacity=160),
        SessionCreate(title="Fundusze UE 2021–2027 dla partnerstw samorządowych", kind="plenary",
                      starts_at=_at(2, 9, 0), ends_at=_at(2, 10, 30), room="Sala Narew", capacity=160),
        SessionCreate(title=PANEL, kind="panel", starts_at=_at(2, 10, 45), ends_at=_at(2, 12, 15),
                      room="Sala Narew", capacity=160),
    ]
    rooms = ["Sala A", "Sala B", "Sala C", "Sala D", "Sala E"]
    for day, (start, end) in ((1, ((14, 0), (16, 0))), (2, ((13, 0), (14, 30)))):
        for topic, room in zip(WORKSHOP_TOPICS, rooms, strict=True):
            items.append(SessionCreate(title=f"Warsztat: {topic}", kind="workshop", starts_at=_at(day, *start),
                                       ends_at=_at(day, *end), room=room, capacity=35))
    return items


def _partnerships(rng: random.Random) -> list[str]:
    names = [f"Partnerstwo {town} – {region}" for region in REGIONS for town in TOWNS]
    rng.shuffle(names)
    return names[:77]


def _people(rng: random.Random, n: int = 150) -> list[RegistrationCreate]:
    partnerships = _partnerships(rng)
    people = []
    k = 0  # partnership members in turn, so that all 77 partnerships come
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        if first.endswith("a") and last.endswith("ski"):
            last = last[:-1] + "a"
        roll = rng.random()
        if roll < 0.80:
            category, partnership = Category.local_government, partnerships[k % 77]
            k += 1
            town = partnership.split(" – ")[0].removeprefix("Partnerstwo ")
            organization = rng.choice(["Urząd Gminy", "Urząd Miasta", "Starostwo Powiatowe"]) + " " + town
            position = rng.choice(["Wójt", "Burmistrz", "Sekretarz gminy", "Skarbnik", "Kierownik referatu",
                                   "Specjalista ds. rozwoju", "Inspektor ds. funduszy UE"])
        elif roll < 0.93:
            category, partnership = Category.partnership_advisor, partnerships[k % 77]
            k += 1
            organization, position = "Zespół doradców programu", "Doradca partnerstwa"
        elif roll < 0.97:
            category, partnership = Category.ministry, None
            organization, position = "Ministerstwo Funduszy i Polityki Regionalnej", "Główny specjalista"
        else:
            category, partnership = Category.foundation, None
            organization, position = "Fundacja Rozwoju Demokracji Lokalnej", "Koordynatorka projektu"
        email = f"{_ascii(first)}.{_ascii(last)}.{i}@example.pl".lower()
        people.append(RegistrationCreate(first_name=first, last_name=last, email=email, organization=organization,
                                         partnership=partnership, position=position, category=category,
                                         consent=True))
    return people


def _ascii(text: str) -> str:
    table = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
    return text.translate(table).replace(" ", "-")


def load(db: Session, *, consent_version: str) -> Event | None:
    if db.exec(select(Event).where(Event.slug == SLUG)).first() is not None:
        return None
    event = create_event(db, data=EventCreate(
        slug=SLUG, title="Seminarium sieciujące partnerstw samorządowych", venue="Hotel, Serock",
        timezone="Europe/Warsaw", starts_on=date(2022, 11, 29), ends_on=date(2022, 11, 30), capacity=160,
        description="Dwudniowe seminarium sieciujące 77 partnerstw JST: stan programu doradczego, fundusze UE "
                    "2021–2027, panel i warsztaty, których tematy wybrali uczestnicy.",
    ))
    event_id = id_of(event)
    for item in _programme():
        create_session(db, event_id=event_id, data=item)
    rng = random.Random(2022)
    for person in _people(rng):
        register(db, event_id=event_id, data=person, idempotency_key=None, consent_version=consent_version,
                 by_organizer=True)
    return event


def main() -> None:
    settings = get_settings()
    engine = make_engine(settings)
    with open_session(engine, write=True) as db:
        event = load(db, consent_version=settings.consent_version)
        db.commit()
    if event is None:
        print(f"The demo event {SLUG!r} is already loaded.")
    else:
        print(f"Loaded event {event.id} ({SLUG}): 14 sessions, 150 participants. "
              f"Try: curl http://127.0.0.1:8000/api/v1/events/{event.id}/sessions")
    engine.dispose()


if __name__ == "__main__":
    main()
