"""Load the networking seminar that started this project: `python -m app.demo` (make demo).

Serock, 29-30 November 2022 (Europe/Warsaw): plenaries on the state of the advisory
programme, a session on EU funds 2021-2027 and a panel; ~150 synthetic participants from 77
municipal partnerships. The afternoon workshops come the way the seminar chose them: a topic
poll (organizers' candidates and two participants' proposals), one approval ballot per person,
the winners by the Method of Equal Shares published into the day-one and day-two workshop slots,
everyone's ranking of the workshops and the rank-maximal assignment committed. A fifth of the
people (partnerships of the Barycz valley, Roztocze and the Kłodzko land) back the cultural and
natural heritage workshop above all: equal shares gives them a workshop, plain approval would not.

Everything goes through the domains' own services and flows, as the API does, in one
transaction; everything is generated deterministically (seeded); no real people.
"""

import os
import random
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from app import (
    servers,
    tables,  # noqa: F401 - every table model, so foreign keys resolve
)
from app.assignment import flows as assignment_flows
from app.assignment.schemas import AssignmentOut
from app.assignment.service import set_preferences
from app.assignment.solver.problem import Method
from app.common.ids import id_of
from app.db import make_engine, unit_of_work
from app.events.models import Event
from app.events.schemas import EventCreate
from app.events.service import create_event
from app.registrations.models import Category, Registration
from app.registrations.schemas import RegistrationCreate
from app.registrations.service import register
from app.sessions.schemas import SessionCreate
from app.sessions.service import create_session
from app.settings import get_settings
from app.voting import flows as voting_flows
from app.voting.models import BallotType, Poll, TopicStatus
from app.voting.results import results
from app.voting.schemas import PollCreate, PollResults, PollUpdate, RoomIn, TopicCreate, TopicUpdate
from app.voting.service import add_topic, cast_ballot, create_poll, update_poll, update_topic

SLUG = "seminarium-sieciujace-serock-2022"
TZ = ZoneInfo("Europe/Warsaw")
# The poll's candidates: (title, description, approval probability in the majority, in the bloc).
# The first five are the seminar's workshops; the others lose (or must, for the demo to be the seminar).
TOPICS = [
    ("Transformacja energetyczna", "Klastry energii, termomodernizacja, OZE w gminach.", 0.72, 0.00),
    ("Transport i mobilność", "Transport zbiorowy w partnerstwie, dojazdy do pracy i szkół.", 0.62, 0.00),
    ("Gospodarka lokalna", "Strefy aktywności gospodarczej, przedsiębiorczość, rynek pracy.", 0.58, 0.00),
    ("Edukacja i usługi społeczne", "Wspólne usługi edukacyjne, opiekuńcze i zdrowotne.", 0.52, 0.06),
    ("Dziedzictwo kulturowe i przyrodnicze", "Turystyka, krajobraz, ochrona przyrody i zabytków.", 0.04, 1.00),
    ("Cyfryzacja usług publicznych", "E-usługi, cyberbezpieczeństwo, wspólne systemy urzędów.", 0.47, 0.00),
    ("Rewitalizacja centrów miast", "Programy rewitalizacji małych miast i wsi.", 0.30, 0.12),
    ("Zdrowie i opieka senioralna", "Srebrna gospodarka, usługi dla seniorów.", 0.22, 0.10),
]
WORKSHOP_TOPICS = [title for title, *_ in TOPICS[:5]]
# Proposed by participants during the poll and approved by the organizers: (title, description, p, p bloc).
PROPOSALS = [
    ("Współpraca z organizacjami pozarządowymi", "Jak partnerstwo może współpracować z NGO i LGD.", 0.15, 0.00),
    ("Gospodarka wodna i retencja", "Mała retencja, susza i powódź w skali partnerstwa.", 0.10, 0.45),
]
BLOC_REGIONS = ("Doliny Baryczy", "Roztocza", "Ziemi Kłodzkiej")  # the heritage-minded fifth
ROOMS = [("Sala A", 35), ("Sala B", 32), ("Sala C", 30), ("Sala D", 28), ("Sala E", 28)]  # most supported first
WORKSHOP_SLOTS = [((1, 14, 0), (1, 16, 0)), ((2, 13, 0), (2, 14, 30))]  # day one and day two afternoons
PANEL = "Wsparcie partnerstw, JST, OSI w programach na lata 2021–2027 – kryteria horyzontalne i zasady finansowania"
FIRST = [
    "Anna",
    "Małgorzata",
    "Katarzyna",
    "Agnieszka",
    "Barbara",
    "Ewa",
    "Elżbieta",
    "Żaneta",
    "Jolanta",
    "Łucja",
    "Grażyna",
    "Urszula",
    "Piotr",
    "Krzysztof",
    "Andrzej",
    "Tomasz",
    "Paweł",
    "Michał",
    "Łukasz",
    "Grzegorz",
    "Zbigniew",
    "Jarosław",
    "Maciej",
    "Wojciech",
    "Przemysław",
    "Bożena",
    "Sławomir",
    "Jędrzej",
]
LAST = [
    "Nowak",
    "Kowalski",
    "Wiśniewski",
    "Wójcik",
    "Kowalczyk",
    "Kamiński",
    "Lewandowski",
    "Zieliński",
    "Szymański",
    "Woźniak",
    "Dąbrowski",
    "Kozłowski",
    "Jankowski",
    "Mazur",
    "Kwiatkowski",
    "Krawczyk",
    "Piotrowski",
    "Grabowski",
    "Nowakowski",
    "Pawłowski",
    "Michalski",
    "Król",
    "Wieczorek",
    "Jabłoński",
    "Wróbel",
    "Zając",
    "Stępień",
    "Górski",
    "Żółtowski",
    "Ślusarczyk",
    "Łęcki",
    "Świątek",
    "Ćwikła",
]
TOWNS = [
    "Serock",
    "Pułtusk",
    "Łomża",
    "Ełk",
    "Gołdap",
    "Sejny",
    "Żyrardów",
    "Łowicz",
    "Kłodzko",
    "Świdnica",
    "Środa Śląska",
    "Bieżuń",
    "Głubczyce",
    "Nowa Dęba",
    "Łęczna",
    "Włodawa",
    "Ząbkowice Śląskie",
    "Żuromin",
    "Chełm",
    "Biłgoraj",
    "Szczytno",
    "Kętrzyn",
    "Mrągowo",
    "Pisz",
    "Olecko",
    "Bełchatów",
    "Opoczno",
    "Końskie",
    "Włoszczowa",
    "Busko-Zdrój",
    "Hrubieszów",
    "Tomaszów Lubelski",
    "Zwoleń",
    "Lipsko",
    "Przysucha",
    "Szydłowiec",
    "Gostynin",
    "Sierpc",
    "Rypin",
    "Golub-Dobrzyń",
    "Łasin",
    "Nowe Miasto",
    "Brodnica",
    "Działdowo",
    "Nidzica",
    "Złotów",
    "Wałcz",
    "Drawsko Pomorskie",
    "Świdwin",
    "Łobez",
]
REGIONS = [
    "Doliny Bugu",
    "Ziemi Łomżyńskiej",
    "Pojezierza Ełckiego",
    "Doliny Baryczy",
    "Ziemi Kłodzkiej",
    "Zielonej Krainy",
    "Roztocza",
    "Polesia",
    "Mazur Garbatych",
    "Ponidzia",
    "Kurpi",
    "Żuław",
    "Kujaw Wschodnich",
    "Pogórza",
    "Ziemi Dobrzyńskiej",
    "Krajny",
    "Pomorza Środkowego",
    "Warmii",
]


def _at(day: int, hh: int, mm: int) -> datetime:
    return datetime(2022, 11, 28 + day, hh, mm, tzinfo=TZ)


def _programme() -> list[SessionCreate]:
    """Plenaries and the panel; the workshops are published from the poll (see `load`)."""
    return [
        SessionCreate(
            title="Otwarcie seminarium",
            kind="plenary",
            starts_at=_at(1, 10, 0),
            ends_at=_at(1, 10, 30),
            room="Sala Narew",
            capacity=160,
        ),
        SessionCreate(
            title="Stan realizacji programu doradczego dla partnerstw",
            kind="plenary",
            starts_at=_at(1, 10, 30),
            ends_at=_at(1, 12, 30),
            room="Sala Narew",
            capacity=160,
        ),
        SessionCreate(
            title="Fundusze UE 2021–2027 dla partnerstw samorządowych",
            kind="plenary",
            starts_at=_at(2, 9, 0),
            ends_at=_at(2, 10, 30),
            room="Sala Narew",
            capacity=160,
        ),
        SessionCreate(
            title=PANEL, kind="panel", starts_at=_at(2, 10, 45), ends_at=_at(2, 12, 15), room="Sala Narew", capacity=160
        ),
    ]


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
            position = rng.choice(
                [
                    "Wójt",
                    "Burmistrz",
                    "Sekretarz gminy",
                    "Skarbnik",
                    "Kierownik referatu",
                    "Specjalista ds. rozwoju",
                    "Inspektor ds. funduszy UE",
                ]
            )
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
        people.append(
            RegistrationCreate(
                first_name=first,
                last_name=last,
                email=email,
                organization=organization,
                partnership=partnership,
                position=position,
                category=category,
                consent=True,
            )
        )
    return people


def _ascii(text: str) -> str:
    table = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
    return text.translate(table).replace(" ", "-")


@dataclass
class Loaded:
    event: Event
    poll: Poll
    chosen: PollResults  # by equal shares, published
    by_approval: PollResults  # what plain approval would have chosen
    assignment: AssignmentOut
    titles: dict[int, str]


def _in_bloc(reg: Registration) -> bool:
    return reg.partnership is not None and reg.partnership.endswith(BLOC_REGIONS)


def _ballot(rng: random.Random, bloc: bool, candidates: list[tuple[int, float, float]]) -> list[int]:
    """An approval ballot: each candidate with its probability in the person's group (never empty)."""
    chosen = [t for t, p, p_bloc in candidates if rng.random() < (p_bloc if bloc else p)]
    return chosen or [max(candidates, key=lambda c: c[2] if bloc else c[1])[0]]


def _ranking(rng: random.Random, approved: list[int], sessions: dict[int, list[int]]) -> list[int]:
    """Every workshop, most wanted first: the approved winning topics first (in a personal order),
    the two favourites on different days, then the rest, each topic on a preferred day first."""
    liked = [t for t in approved if t in sessions]
    rng.shuffle(liked)
    rest = [t for t in sessions if t not in liked]
    rng.shuffle(rest)
    order = liked + rest
    day = rng.randrange(2)
    ranking = [
        sessions[order[0]][day],
        sessions[order[1]][1 - day],
        sessions[order[1]][day],
        sessions[order[0]][1 - day],
    ]
    for topic in order[2:]:
        first = rng.randrange(2)
        ranking += [sessions[topic][first], sessions[topic][1 - first]]
    return ranking


def load(db: Session, *, consent_version: str) -> Loaded | None:
    """Load the seminar; None when it is there already."""
    if db.exec(select(Event).where(Event.slug == SLUG)).first() is not None:
        return None
    event = create_event(
        db,
        data=EventCreate(
            slug=SLUG,
            title="Seminarium sieciujące partnerstw samorządowych",
            venue="Hotel, Serock",
            timezone="Europe/Warsaw",
            starts_on=date(2022, 11, 29),
            ends_on=date(2022, 11, 30),
            capacity=160,
            description="Dwudniowe seminarium sieciujące 77 partnerstw JST: stan programu doradczego, fundusze UE "
            "2021–2027, panel i warsztaty, których tematy wybrali uczestnicy.",
        ),
    )
    event_id = id_of(event)
    for item in _programme():
        create_session(db, event_id=event_id, data=item)
    rng = random.Random(2022)
    people = [
        register(
            db, event_id=event_id, data=person, idempotency_key=None, consent_version=consent_version, by_organizer=True
        ).registration
        for person in _people(rng)
    ]

    # The topic poll: organizers' candidates, two participants' proposals (approved), one ballot each.
    poll = create_poll(
        db,
        event_id=event_id,
        data=PollCreate(
            title="Tematy warsztatów popołudniowych",
            seats=len(WORKSHOP_TOPICS),
            ballot=BallotType.approval,
            allow_proposals=True,
            description="Zaznacz wszystkie tematy, w których chcesz wziąć udział. Pięć "
            "wybranych (metodą równych udziałów) odbędzie się w obu dniach.",
        ),
    )
    poll_id = id_of(poll)
    candidates = [
        (id_of(add_topic(db, poll_id=poll_id, data=TopicCreate(title=t, description=d))), p, pb)
        for t, d, p, pb in TOPICS
    ]
    for (title, description, p, p_bloc), proposer in zip(PROPOSALS, (people[7], people[42]), strict=True):
        topic = add_topic(
            db, poll_id=poll_id, data=TopicCreate(title=title, description=description), proposed_by=proposer
        )
        update_topic(db, topic_id=id_of(topic), data=TopicUpdate(status=TopicStatus.approved))
        candidates.append((id_of(topic), p, p_bloc))
    votes = random.Random(2911)
    ballots = {}
    for reg in people:
        ballots[id_of(reg)] = _ballot(votes, _in_bloc(reg), candidates)
        cast_ballot(db, poll_id=poll_id, reg=reg, topic_ids=ballots[id_of(reg)])
    update_poll(
        db,
        poll_id=poll_id,
        data=PollUpdate(
            opens_at=datetime(2022, 11, 14, 9, 0, tzinfo=TZ), closes_at=datetime(2022, 11, 25, 16, 0, tzinfo=TZ)
        ),
    )

    # The winners (equal shares) run in both workshop slots, the most supported in the biggest room.
    rooms = [RoomIn(room=room, capacity=capacity) for room, capacity in ROOMS]
    sessions: dict[int, list[int]] = {}
    chosen = None
    for start, end in WORKSHOP_SLOTS:
        chosen, made = voting_flows.publish(
            db, poll=poll, rule="equal_shares", starts_at=_at(*start), ends_at=_at(*end), rooms=rooms
        )
        for workshop in made:
            assert workshop.topic_id is not None  # published from a topic
            sessions.setdefault(workshop.topic_id, []).append(id_of(workshop))
    assert chosen is not None

    # Everyone ranks the ten workshops; the rank-maximal assignment is committed.
    for reg in people:
        set_preferences(db, reg=reg, session_ids=_ranking(votes, ballots[id_of(reg)], sessions))
    assignment = assignment_flows.run_assignment(
        db,
        read=lambda: nullcontext(db),
        event_id=event_id,
        method=Method.optimal,
        dry_run=False,
        fill_unranked=True,
        time_limit=60,
    )
    titles = {t.id: t.title for t in chosen.topics}
    return Loaded(
        event=event,
        poll=poll,
        chosen=chosen,
        by_approval=results(db, poll=poll, rule="approval"),
        assignment=assignment,
        titles=titles,
    )


def summary(loaded: Loaded) -> str:
    event_id, poll = id_of(loaded.event), loaded.chosen
    names = [loaded.titles[t] for t in poll.winners]
    lost = [loaded.titles[t] for t in poll.winners if t not in loaded.by_approval.winners]
    instead = [loaded.titles[t] for t in loaded.by_approval.winners if t not in poll.winners]
    ranks = ", ".join(f"rank {i}: {n}" for i, n in enumerate(loaded.assignment.rank_counts, 1) if n)
    lines = [
        f"Loaded event {event_id} ({SLUG}): 150 participants from 77 partnerships, {4 + 2 * len(names)} sessions.",
        f"Topic poll {id_of(loaded.poll)}: {poll.ballots} ballots over {len(poll.topics)} topics; "
        f"winners by equal shares: {', '.join(names)}.",
    ]
    if lost:
        lines.append(f"  Plain approval would have chosen {', '.join(instead)} instead of {', '.join(lost)}.")
    a = loaded.assignment
    lines += [
        f"Workshops published in {len(WORKSHOP_SLOTS)} slots ({len(names)} rooms each); rank-maximal "
        f"assignment committed: {a.assigned} people placed, {sum(a.rank_counts)} seats by the rank people gave "
        f"them ({ranks}); first choices: {a.first_choice_share:.0%} (first come first served: "
        f"{a.baseline.first_choice_share:.0%}); {a.unassigned} without a seat.",
    ]
    return "\n".join(lines)


def hint(event_id: int, *, database_url: str, given: str | None, public: str | None) -> str:
    """Where to look: the database just loaded, and the server on THAT database (the address
    given by HOST/PORT, else the last `make run` recorded on this database, else PUBLIC_BASE_URL
    when set); never another database's server unnamed."""
    database = servers.database_label(database_url)
    lines = [f"Database: {database}"]
    base_url = given or servers.server_of(servers.SERVER_FILE, database_url) or public
    if base_url is None:
        lines += [
            "No `make run` has served this database yet: start one with the same DATABASE_URL,",
            f"     then open /events/{event_id} (participants) and /admin (organizers) on it.",
        ]
        return "\n".join(lines)
    base_url = base_url.rstrip("/")
    other = servers.database_of(servers.SERVER_FILE, base_url)
    if other is not None and other != database:
        lines.append(f"Note: the last `make run` at {base_url} served {other}, not this database.")
    lines += [
        f"Server: {base_url}",
        f"Try: curl -s {base_url}/api/v1/events/{event_id}/sessions",
        f"     web pages: {base_url}/events/{event_id}   organizers: {base_url}/admin",
    ]
    return "\n".join(lines)


def _event_id(db: Session) -> int:
    return id_of(db.exec(select(Event).where(Event.slug == SLUG)).one())


def main() -> None:
    settings = get_settings()
    engine = make_engine(settings)
    loaded = unit_of_work(engine, lambda db: load(db, consent_version=settings.consent_version))
    if loaded is None:
        event_id = unit_of_work(engine, _event_id, write=False)
        print(f"The demo event {event_id} ({SLUG}) is already loaded.")
    else:
        event_id = id_of(loaded.event)
        print(summary(loaded))
    public = settings.public_base_url if "public_base_url" in settings.model_fields_set else None
    # `make demo` passes SERVER_URL only when HOST or PORT is given; else the record of `make run`.
    print(hint(event_id, database_url=settings.database_url, given=os.environ.get("SERVER_URL") or None, public=public))
    engine.dispose()


if __name__ == "__main__":
    main()
