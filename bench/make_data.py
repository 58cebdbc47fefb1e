"""Scale data: ten years of a busy duty station in PostgreSQL, for bench/load.py.

    .venv/bin/python bench/make_data.py [--database-url postgresql://postgres@127.0.0.1:5432/scheduler_scale]
        [--meetings 130000] [--years 10] [--until YYYY-MM-DD] [--secrets-file instance/scale-subscriptions.txt]
        [--jobs N] [--replace]

What it loads (see docs/PERFORMANCE.md, "Scale"):
- the database is created if missing, migrated with Flask-Migrate's `upgrade()` and seeded with the app's
  `seed` command, as operators do (8 venues, UNHQ's holidays); the meetings go to the 40 rooms of the four
  duty stations (UNHQ, UNOG, UNOV, UNON), as when the figures in docs/PERFORMANCE.md were measured: the
  regional commissions' rooms stay empty;
- 193 missions, and about 15 processes a year, each with a body, a mandate and two co-facilitators;
- 130,000 meetings over the ten years up to `--until` (default: six months from today), spread over the
  working days of all 40 rooms (about 13,000 a year), busier in the General Assembly's main part. No two
  holding meetings overlap in a room (the exclusion constraint checks every row). Each has the history rows
  the API would have written (created, and approved, updated, cancelled, postponed or rejected where it was),
  invitations when it is closed, and its iCalendar event, rendered by the feeds' own `render_events`;
- 5 private feed subscriptions per mission (965): only the SHA-256 of each secret is stored; the secrets go
  to `--secrets-file` (one subscription a line), for bench/load.py to poll the private feeds.

Meetings, changes, invitations, missions, processes and subscriptions are written with COPY in one
transaction. The script refuses a database that already holds meetings (unless `--replace`, which drops and
creates it again), so running it twice never loads twice.
"""

import argparse
import contextlib
import hashlib
import io
import json
import logging
import multiprocessing
import os
import random
import secrets
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg  # noqa: E402
from common import KINDS, STATUSES, TEMPLATES, VISIBILITIES, Calendar, weighted, working_days  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from slugify import slugify  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from config.settings import PROJECT_ROOT, normalise_database_url  # noqa: E402
from scheduler import create_app, tz_database  # noqa: E402
from scheduler.extensions import db  # noqa: E402
from scheduler.feeds.rendering import Stamps, render_events  # noqa: E402
from scheduler.feeds.worker import render_everything  # noqa: E402
from scheduler.ical.events import KIND_LABELS  # noqa: E402
from scheduler.meetings.models import Meeting  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/scheduler_scale"
DEFAULT_SECRETS_FILE = PROJECT_ROOT / "instance" / "scale-subscriptions.txt"
OFFICER = "Meetings Management Section (officer)"
PROCESSES_PER_YEAR = 15
SUBSCRIPTIONS_PER_MISSION = 5
RENDER_BATCH = 500

# The 193 Member States (ISO 3166 alpha-3 codes, short names).
MEMBER_STATES = """
AFG Afghanistan|ALB Albania|DZA Algeria|AND Andorra|AGO Angola|ATG Antigua and Barbuda|ARG Argentina|ARM Armenia|
AUS Australia|AUT Austria|AZE Azerbaijan|BHS Bahamas|BHR Bahrain|BGD Bangladesh|BRB Barbados|BLR Belarus|
BEL Belgium|BLZ Belize|BEN Benin|BTN Bhutan|BOL Bolivia|BIH Bosnia and Herzegovina|BWA Botswana|BRA Brazil|
BRN Brunei Darussalam|BGR Bulgaria|BFA Burkina Faso|BDI Burundi|CPV Cabo Verde|KHM Cambodia|CMR Cameroon|
CAN Canada|CAF Central African Republic|TCD Chad|CHL Chile|CHN China|COL Colombia|COM Comoros|COG Congo|
CRI Costa Rica|CIV Cote d'Ivoire|HRV Croatia|CUB Cuba|CYP Cyprus|CZE Czechia|
PRK Democratic People's Republic of Korea|COD Democratic Republic of the Congo|DNK Denmark|DJI Djibouti|
DMA Dominica|DOM Dominican Republic|ECU Ecuador|EGY Egypt|SLV El Salvador|GNQ Equatorial Guinea|ERI Eritrea|
EST Estonia|SWZ Eswatini|ETH Ethiopia|FJI Fiji|FIN Finland|FRA France|GAB Gabon|GMB Gambia|GEO Georgia|
DEU Germany|GHA Ghana|GRC Greece|GRD Grenada|GTM Guatemala|GIN Guinea|GNB Guinea-Bissau|GUY Guyana|HTI Haiti|
HND Honduras|HUN Hungary|ISL Iceland|IND India|IDN Indonesia|IRN Iran|IRQ Iraq|IRL Ireland|ISR Israel|ITA Italy|
JAM Jamaica|JPN Japan|JOR Jordan|KAZ Kazakhstan|KEN Kenya|KIR Kiribati|KWT Kuwait|KGZ Kyrgyzstan|
LAO Lao People's Democratic Republic|LVA Latvia|LBN Lebanon|LSO Lesotho|LBR Liberia|LBY Libya|LIE Liechtenstein|
LTU Lithuania|LUX Luxembourg|MDG Madagascar|MWI Malawi|MYS Malaysia|MDV Maldives|MLI Mali|MLT Malta|
MHL Marshall Islands|MRT Mauritania|MUS Mauritius|MEX Mexico|FSM Micronesia|MCO Monaco|MNG Mongolia|
MNE Montenegro|MAR Morocco|MOZ Mozambique|MMR Myanmar|NAM Namibia|NRU Nauru|NPL Nepal|NLD Netherlands|
NZL New Zealand|NIC Nicaragua|NER Niger|NGA Nigeria|MKD North Macedonia|NOR Norway|OMN Oman|PAK Pakistan|
PLW Palau|PAN Panama|PNG Papua New Guinea|PRY Paraguay|PER Peru|PHL Philippines|POL Poland|PRT Portugal|
QAT Qatar|KOR Republic of Korea|MDA Republic of Moldova|ROU Romania|RUS Russian Federation|RWA Rwanda|
KNA Saint Kitts and Nevis|LCA Saint Lucia|VCT Saint Vincent and the Grenadines|WSM Samoa|SMR San Marino|
STP Sao Tome and Principe|SAU Saudi Arabia|SEN Senegal|SRB Serbia|SYC Seychelles|SLE Sierra Leone|SGP Singapore|
SVK Slovakia|SVN Slovenia|SLB Solomon Islands|SOM Somalia|ZAF South Africa|SSD South Sudan|ESP Spain|
LKA Sri Lanka|SDN Sudan|SUR Suriname|SWE Sweden|CHE Switzerland|SYR Syrian Arab Republic|TJK Tajikistan|
THA Thailand|TLS Timor-Leste|TGO Togo|TON Tonga|TTO Trinidad and Tobago|TUN Tunisia|TUR Turkiye|
TKM Turkmenistan|TUV Tuvalu|UGA Uganda|UKR Ukraine|ARE United Arab Emirates|GBR United Kingdom|
TZA United Republic of Tanzania|USA United States of America|URY Uruguay|UZB Uzbekistan|VUT Vanuatu|
VEN Venezuela|VNM Viet Nam|YEM Yemen|ZMB Zambia|ZWE Zimbabwe"""
MISSIONS = [tuple(item.strip().split(" ", 1)) for item in MEMBER_STATES.replace("\n", "").split("|")]
assert len(MISSIONS) == 193 and len({code for code, _ in MISSIONS}) == 193

# The bodies that meet at each duty station (UNHQ's are the other benchmarks' list).
VENUE_BODIES = {
    "UNHQ": [
        "General Assembly",
        "First Committee",
        "Second Committee",
        "Third Committee",
        "Fourth Committee",
        "Fifth Committee",
        "Sixth Committee",
        "Security Council",
        "Economic and Social Council",
        "Commission on the Status of Women",
        "UNICEF Executive Board",
        "Peacebuilding Commission",
        "Committee on Information",
        "Special Committee on Peacekeeping Operations",
    ],
    "UNOG": [
        "Human Rights Council",
        "Conference on Disarmament",
        "Committee against Torture",
        "Economic Commission for Europe",
    ],
    "UNOV": [
        "Commission on Narcotic Drugs",
        "Commission on Crime Prevention and Criminal Justice",
        "Committee on the Peaceful Uses of Outer Space",
        "UNCITRAL",
    ],
    "UNON": ["United Nations Environment Assembly", "UN-Habitat Assembly"],
}
PROCESS_SUBJECTS = [
    "the implementation of the Global Plan of Action to Combat Trafficking in Persons",
    "the revitalization of the work of the General Assembly",
    "oceans and the law of the sea",
    "the rights of older persons",
    "universal health coverage",
    "antimicrobial resistance",
    "the review of the peacebuilding architecture",
    "financing for development",
    "small island developing States",
    "the protection of civilians",
    "cybersecurity and the use of information technologies",
    "the rights of persons with disabilities",
    "disaster risk reduction",
    "migration and refugees",
    "the programme budget",
    "biodiversity beyond national jurisdiction",
    "counter-terrorism strategy",
    "the elimination of violence against women",
    "sustainable urbanization",
    "drug policy",
]
PROCESS_KINDS = [
    "Political declaration on {}",
    "Intergovernmental negotiations on {}",
    "Resolution on {}",
    "Review of {}",
    "Informal consultations on {}",
]
TOPICS = [
    "Agenda item on the promotion and protection of human rights",
    "Report of the Secretary-General",
    "Election of officers",
    "General debate",
    "Organization of work",
    "Interactive dialogue",
    "Introduction of draft resolutions",
    "Action on all draft proposals",
    "Briefing by the Secretariat",
    "Presentation of the annual report",
    "Panel discussion",
    "Consideration of the draft outcome document",
    "Thematic discussion",
    "Programme planning",
    "Closing of the session",
]
GIVEN_NAMES = [
    "Amina",
    "Marc",
    "Alya",
    "Sergei",
    "Li",
    "Maria",
    "Kwame",
    "Ingrid",
    "Rahul",
    "Fatima",
    "Juan",
    "Yuki",
    "Olusegun",
    "Helena",
    "Omar",
    "Sophie",
]
SURNAMES = [
    "Diallo",
    "Pecsteen",
    "Al-Thani",
    "Ivanov",
    "Wei",
    "Fernandes",
    "Mensah",
    "Larsen",
    "Sharma",
    "Haddad",
    "Rodriguez",
    "Tanaka",
    "Adeyemi",
    "Novak",
    "Rahman",
    "Dubois",
]
STATUS_REASONS = {
    "cancelled": "Cancelled at the request of the bureau",
    "postponed": "Postponed to a later date",
    "rejected": "The room is needed for an official meeting",
}


@dataclass(frozen=True)
class RoomInfo:
    id: int
    code: str
    capacity: int
    features: tuple
    setup_minutes: int
    teardown_minutes: int
    venue: str
    zone: str


@dataclass(frozen=True)
class ProcessInfo:
    id: int
    slug: str
    title: str
    body: str
    venue: str
    year: int
    facilitators: tuple


# --- the database ----------------------------------------------------------------------


def psycopg_dsn(url) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def prepare_database(database_url: str, replace: bool) -> str:
    """Create the database if missing (or again, with --replace); migrate and seed it through the app.
    Returns the SQLAlchemy URL."""
    url = make_url(normalise_database_url(database_url))
    with psycopg.connect(psycopg_dsn(url.set(database="postgres")), autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)).fetchone()
        if exists and replace:
            print(f"dropping database {url.database} (--replace)")
            conn.execute(f'DROP DATABASE "{url.database}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{url.database}"')
            print(f"created database {url.database}")
    app = make_app(url.render_as_string(hide_password=False))
    with app.app_context():
        with contextlib.redirect_stderr(io.StringIO()):  # Alembic's INFO lines
            upgrade()
        result = app.test_cli_runner().invoke(args=["seed"])
        if result.exit_code != 0:
            raise SystemExit(f"seed failed: {result.output}")
        print(result.output.strip())
        db.session.remove()
        db.engine.dispose()
    return url.render_as_string(hide_password=False)


def make_app(sqlalchemy_url: str):
    # Its own copies of the feeds: not make run's (instance/feeds).
    feed_dir = PROJECT_ROOT / "instance" / f"feeds-{make_url(sqlalchemy_url).database}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": sqlalchemy_url, "RATELIMIT_ENABLED": False, "FEED_DIR": str(feed_dir)})
    logging.getLogger().setLevel(logging.WARNING)
    return app


def refuse_if_loaded(conn) -> None:
    counts = {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("meetings", "missions", "processes", "subscriptions")
    }
    if any(counts.values()):
        found = ", ".join(f"{n:,} {table}" for table, n in counts.items() if n)
        raise SystemExit(
            f"The database already holds {found}: not loading twice. "
            "Use it as it is, or run again with --replace to drop it and load it anew."
        )


def read_rooms(conn) -> list[RoomInfo]:
    """The active rooms of the venues VENUE_BODIES names (the four duty stations)."""
    rows = conn.execute(
        "SELECT rooms.id, rooms.code, rooms.capacity, rooms.features, rooms.setup_minutes, rooms.teardown_minutes, "
        "venues.code, venues.timezone FROM rooms JOIN venues ON venues.id = rooms.venue_id "
        "WHERE rooms.active AND venues.code = ANY(%s) ORDER BY rooms.id",
        (list(VENUE_BODIES),),
    ).fetchall()
    return [
        RoomInfo(r[0], r[1], r[2], tuple(r[3] if isinstance(r[3], list) else json.loads(r[3])), r[4], r[5], r[6], r[7])
        for r in rows
    ]


def copy_rows(conn, table: str, columns: tuple, rows) -> int:
    names = ", ".join(f'"{c}"' for c in columns)
    count = 0
    with conn.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def reset_sequence(conn, table: str) -> None:
    """Ids were given explicitly: the next one the app makes must come after them."""
    conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))")


# --- the data --------------------------------------------------------------------------


class Generator:
    """Everything loaded, made from one seeded random generator (the same `--until` gives the same data)."""

    def __init__(self, rooms: list[RoomInfo], first_day: date, last_day: date, now: datetime, seed: int = 2017):
        self.rng = random.Random(seed)
        self.rooms = {room.id: room for room in rooms}
        self.first_day, self.last_day, self.now = first_day, last_day, now
        self.missions = [(n, code, name) for n, (code, name) in enumerate(MISSIONS, 1)]
        self.mission_names = {code: name for _, code, name in self.missions}
        self.processes: list[ProcessInfo] = []
        self.invitations: list[tuple] = []
        self.changes: list[tuple] = []
        self.counts = Counter()

    # missions and processes

    def mission_rows(self):
        stamp = datetime(self.first_day.year, 1, 1, tzinfo=timezone.utc)
        for mission_id, code, name in self.missions:
            yield mission_id, code, f"Permanent Mission of {name} to the United Nations", stamp, stamp

    def make_processes(self) -> list[tuple]:
        rows = []
        for year in range(self.first_day.year, self.last_day.year + 1):
            for _ in range(PROCESSES_PER_YEAR):
                venue = weighted([("UNHQ", 10), ("UNOG", 3), ("UNOV", 1), ("UNON", 1)], self.rng)
                body = self.rng.choice(VENUE_BODIES[venue])
                title = self.rng.choice(PROCESS_KINDS).format(self.rng.choice(PROCESS_SUBJECTS))
                process_id = len(self.processes) + 1
                # Unique, and within the 100 characters of a slug: the title cut short, then the year and id.
                slug = f"{slugify(title, max_length=85, word_boundary=True)}-{year}-{process_id}"
                facilitators = tuple(
                    {
                        "name": f"H.E. {self.rng.choice(GIVEN_NAMES)} {self.rng.choice(SURNAMES)}",
                        "title": f"Permanent Representative of {self.mission_names[code]}",
                        "mission": code,
                    }
                    for code in self.rng.sample(list(self.mission_names), 2)
                )
                self.processes.append(ProcessInfo(process_id, slug, title, body, venue, year, facilitators))
                stamp = datetime(year, 1, 1, tzinfo=timezone.utc)
                rows.append(
                    (
                        process_id,
                        slug,
                        title,
                        body,
                        slugify(body, max_length=200),
                        f"A/RES/{year - 1946}/{self.rng.randint(1, 330)}",
                        json.dumps(list(facilitators)),
                        f"Meetings of the co-facilitators on {title[0].lower() + title[1:]}.",
                        stamp,
                        stamp,
                    )
                )
        return rows

    # meetings

    def local(self, day: date, hhmm: str, zone: str) -> datetime:
        hours, minutes = map(int, hhmm.split(":"))
        return datetime.combine(day, clock(hours, minutes), tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)

    def moment_between(self, earliest: datetime, latest: datetime) -> datetime:
        if latest <= earliest:
            return earliest + timedelta(seconds=1)
        return earliest + (latest - earliest) * self.rng.random()

    def meeting_rows(self, placed: list[tuple]):
        """COPY rows (MEETING_COLUMNS) for the calendar's (room_id, day, template, status), in date order,
        filling `changes` and `invitations` as it goes."""
        processes_by = {}
        for process in self.processes:
            processes_by.setdefault((process.venue, process.year), []).append(process)
        mission_codes = list(self.mission_names)
        for meeting_id, (room_id, day, template, status) in enumerate(sorted(placed, key=lambda m: (m[1], m[0])), 1):
            room = self.rooms[room_id]
            start_hhmm, end_hhmm, _ = TEMPLATES[template]
            start, end = self.local(day, start_hhmm, room.zone), self.local(day, end_hhmm, room.zone)
            held_start = start - timedelta(minutes=room.setup_minutes)
            held_end = end + timedelta(minutes=room.teardown_minutes)
            kind = weighted(KINDS, self.rng)
            candidates = processes_by.get((room.venue, day.year), [])
            process = (
                self.rng.choice(candidates) if candidates and kind != "bilateral" and self.rng.random() < 0.45 else None
            )
            body = process.body if process else self.rng.choice(VENUE_BODIES[room.venue])
            visibility = weighted(VISIBILITIES, self.rng)
            label = KIND_LABELS[kind]
            requester = None
            if kind in ("side_event", "bilateral"):
                requester = self.rng.choice(mission_codes) if self.rng.random() < 0.6 else None
                hosts = ([requester] if requester else []) + self.rng.sample(mission_codes, 2)
                organizers = [f"Permanent Mission of {self.mission_names[code]}" for code in hosts[:3]]
                title = (
                    f"Bilateral meeting: {self.mission_names[hosts[0]]} and {self.mission_names[hosts[1]]}"
                    if kind == "bilateral"
                    else f"Side event: {self.rng.choice(PROCESS_SUBJECTS)}"
                )
            elif process:
                organizers = [f["name"] for f in process.facilitators]
                title = f"{label}: {process.title}"
            else:
                organizers = [f"Secretariat of the {body}"]
                title = f"{body}: {self.rng.choice(TOPICS)}"
            if status == "requested" and requester is None:
                requester = self.rng.choice(mission_codes)
            interpreted = "interpretation" in room.features and kind in ("plenary", "informal_consultations")
            languages = (
                ["ar", "zh", "en", "fr", "ru", "es"]
                if interpreted and self.rng.random() < 0.6
                else (["en", "fr"] if interpreted else [])
            )
            participants = self.rng.randint(min(10, room.capacity), room.capacity)
            webcast = "webcast" in room.features and self.rng.random() < 0.4
            description = (
                f"{label} of the {body}, {day:%A %d %B %Y}. "
                + (
                    f"Convened by the co-facilitators of the process on {process.title[0].lower()}{process.title[1:]}. "
                    if process
                    else ""
                )
                + "Documents are available on the e-deleGATE portal."
            )
            invited = sorted(self.rng.sample(mission_codes, self.rng.randint(2, 8))) if visibility == "closed" else []
            self.invitations.extend((meeting_id, code) for code in invited)

            # How the API labels a mission's token in history: "<token name> (mission)".
            created_by = f"{self.mission_names[requester]}: meetings desk (mission)" if requester else OFFICER
            latest_change = min(start, self.now) - timedelta(hours=1)
            created_at = min(
                start - timedelta(days=self.rng.randint(3, 120), minutes=self.rng.randint(0, 600)),
                latest_change - timedelta(days=1),
            )
            first_status = "requested" if requester else ("tentative" if status == "tentative" else "confirmed")
            snapshot = {
                "title": title,
                "kind": kind,
                "body": body,
                "process": process.slug if process else None,
                "room": room.code,
                "start": start.astimezone(ZoneInfo(room.zone)).isoformat(),
                "end": end.astimezone(ZoneInfo(room.zone)).isoformat(),
                "status": first_status,
                "visibility": visibility,
                "organizers": organizers,
                "expected_participants": participants,
                "languages": languages,
                "webcast": webcast,
                "description": description,
                "notes": "",
                "invited_missions": invited,
            }
            history = [(created_at, created_by, "created", {k: [None, v] for k, v in snapshot.items()}, "")]
            sequence, status_reason, approved_at = 0, "", None
            current, at = first_status, created_at

            def later():
                return self.moment_between(at, latest_change)

            def change(actor, action, changes, reason=""):
                nonlocal at
                at = later()
                history.append((at, actor, action, changes, reason))
                return at

            if requester and status == "requested" and start < self.now:
                # Nobody decided before the day: an officer rejected it.
                change(OFFICER, "rejected", {"status": ["requested", "cancelled"]}, STATUS_REASONS["rejected"])
                status, current, status_reason, sequence = "cancelled", "cancelled", STATUS_REASONS["rejected"], 1
            elif requester and status in ("cancelled", "postponed") and self.rng.random() < 0.5:
                change(created_by, "withdrawn", {"status": ["requested", "cancelled"]}, "No longer needed")
                status, current, status_reason, sequence = "cancelled", "cancelled", "No longer needed", 1
            elif requester and status != "requested":
                current = "tentative" if status == "tentative" else "confirmed"
                approved_at = change(OFFICER, "approved", {"status": ["requested", current]})
                sequence += 1
            if status in ("tentative", "confirmed") and self.rng.random() < 0.15:
                if self.rng.random() < 0.3:
                    provisional = f"{title} (provisional)"
                    history[0][3]["title"][1] = provisional
                    change(OFFICER, "updated", {"title": [provisional, title]})
                    sequence += 1
                else:
                    fewer = max(1, participants // 2)
                    history[0][3]["expected_participants"][1] = fewer
                    change(OFFICER, "updated", {"expected_participants": [fewer, participants]})
            if status in ("cancelled", "postponed") and current != "cancelled":
                change(OFFICER, status, {"status": [current, status]}, STATUS_REASONS[status])
                status_reason, sequence = STATUS_REASONS[status], sequence + 1
            for change_at, actor, action, changes, reason in history:
                self.changes.append((meeting_id, change_at, actor, action, json.dumps(changes), reason))
            self.counts[status] += 1
            self.counts["history rows"] += len(history)
            yield (
                meeting_id,
                title,
                kind,
                body,
                slugify(body, max_length=200),
                process.id if process else None,
                room_id,
                start,
                end,
                held_start,
                held_end,
                status,
                status_reason,
                visibility,
                json.dumps(organizers),
                participants,
                json.dumps(languages),
                webcast,
                description,
                "",
                sequence,
                len(history),
                created_by,
                created_at,
                history[-1][0],
                requester,
                approved_at,
                start.astimezone(ZoneInfo(room.zone)).replace(tzinfo=None),
                end.astimezone(ZoneInfo(room.zone)).replace(tzinfo=None),
                room.zone,
                tz_database.VERSION,
            )

    # subscriptions

    def subscriptions(self) -> list[tuple]:
        """Five private feeds per mission, with filters such as missions choose: a body's plenaries, a committee,
        the processes it follows, side events, and a duty station's rooms (or, for one mission in four,
        everything it may see). Returns (id, mission id, mission code, name, filters, secret)."""
        current = [p.slug for p in self.processes if p.year >= self.now.year]
        committees = [b for b in VENUE_BODIES["UNHQ"] if b.endswith("Committee")] + ["Security Council"]
        rooms_by_venue = {}
        for room in self.rooms.values():
            rooms_by_venue.setdefault(room.venue, []).append(room.code)
        made = []
        for mission_id, code, _ in self.missions:
            committee = self.rng.choice(committees)
            venue = self.rng.choice(["UNOG", "UNOV", "UNON"])
            choices = [
                ("General Assembly plenary meetings", {"bodies": ["general-assembly"], "kinds": ["plenary"]}),
                (committee, {"bodies": [slugify(committee)]}),
                ("Processes we follow", {"processes": self.rng.sample(current, min(len(current), 3))}),
                ("Side events", {"kinds": ["side_event"]}),
                ("Everything", {}) if mission_id % 4 == 0 else (f"{venue} rooms", {"rooms": rooms_by_venue[venue]}),
            ]
            for name, filters in choices[:SUBSCRIPTIONS_PER_MISSION]:
                normalised = {key: sorted(filters.get(key, [])) for key in ("rooms", "bodies", "processes", "kinds")}
                made.append((len(made) + 1, mission_id, code, name, normalised, secrets.token_urlsafe(32)))
        return made


MEETING_COLUMNS = (
    "id",
    "title",
    "kind",
    "body",
    "body_slug",
    "process_id",
    "room_id",
    "start",
    "end",
    "held_start",
    "held_end",
    "status",
    "status_reason",
    "visibility",
    "organizers",
    "expected_participants",
    "languages",
    "webcast",
    "description",
    "notes",
    "sequence",
    "version",
    "created_by",
    "created_at",
    "updated_at",
    "requested_by",
    "approved_at",
    "local_start",
    "local_end",
    "local_zone",
    "tz_database",
)


# --- stored events ---------------------------------------------------------------------


def render_slice(sqlalchemy_url: str, first_id: int, last_id: int) -> int:
    """Render and keep the VEVENT of meetings first_id..last_id with the feeds' own code (one process of several)."""
    app = make_app(sqlalchemy_url)
    count = 0
    with app.app_context():
        stamps = Stamps()
        for low in range(first_id, last_id + 1, RENDER_BATCH):
            high = min(low + RENDER_BATCH - 1, last_id)
            ids = list(db.session.scalars(select(Meeting.id).where(Meeting.id.between(low, high))))
            count += len(render_events(ids, stamps))
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return count


def render_all_events(sqlalchemy_url: str, meetings: int, jobs: int) -> int:
    bounds = [(1 + meetings * n // jobs, meetings * (n + 1) // jobs) for n in range(jobs)]
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        return sum(pool.starmap(render_slice, [(sqlalchemy_url, low, high) for low, high in bounds]))


# --- main ------------------------------------------------------------------------------


def write_secrets(path: Path, database: str, subscriptions: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as out:
        out.write(
            f"# Private feed secrets of the scale data in database {database} (bench/make_data.py).\n"
            "# Each is a password: GET /feeds/subscriptions/<secret>.ics\n"
            "# mission\tsubscription id\tname\tsecret\n"
        )
        for subscription_id, _, code, name, _, secret in subscriptions:
            out.write(f"{code}\t{subscription_id}\t{name}\t{secret}\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SCALE_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"the database to create (if missing) and load (default: {DEFAULT_DATABASE_URL})",
    )
    parser.add_argument("--meetings", type=int, default=130_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument(
        "--until", type=date.fromisoformat, help="last day of the calendar (default: six months from today)"
    )
    parser.add_argument("--secrets-file", type=Path, default=DEFAULT_SECRETS_FILE)
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="processes rendering the stored events (default: one per core)",
    )
    parser.add_argument("--replace", action="store_true", help="drop the database first if it exists")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    now = datetime.now(timezone.utc)
    last_day = args.until or (now.date() + timedelta(days=183))
    first_day = last_day.replace(year=last_day.year - args.years) + timedelta(days=1)

    sqlalchemy_url = prepare_database(args.database_url, args.replace)
    dsn = psycopg_dsn(make_url(sqlalchemy_url))
    phase = time.perf_counter()
    with psycopg.connect(dsn) as conn:  # one transaction: all of it is loaded, or nothing
        refuse_if_loaded(conn)
        rooms = read_rooms(conn)
        generator = Generator(rooms, first_day, last_day, now)
        placed = Calendar(
            [(room.id, room.code) for room in rooms], generator.rng, working_days(first_day, last_day)
        ).preload(args.meetings, statuses=STATUSES)
        copy_rows(conn, "missions", ("id", "code", "name", "created_at", "updated_at"), generator.mission_rows())
        copy_rows(
            conn,
            "processes",
            (
                "id",
                "slug",
                "title",
                "body",
                "body_slug",
                "mandate",
                "facilitators",
                "description",
                "created_at",
                "updated_at",
            ),
            generator.make_processes(),
        )
        meetings = copy_rows(conn, "meetings", MEETING_COLUMNS, generator.meeting_rows(placed))
        copy_rows(conn, "meeting_invitations", ("meeting_id", "mission_code"), generator.invitations)
        changes = copy_rows(
            conn, "meeting_changes", ("meeting_id", "at", "actor", "action", "changes", "reason"), generator.changes
        )
        subscriptions = generator.subscriptions()
        copy_rows(
            conn,
            "subscriptions",
            ("id", "mission_id", "name", "filters", "token_hash", "created_at"),
            (
                (sid, mission_id, name, json.dumps(filters), hashlib.sha256(secret.encode()).hexdigest(), now)
                for sid, mission_id, _, name, filters, secret in subscriptions
            ),
        )
        for table in ("missions", "processes", "meetings", "subscriptions"):
            reset_sequence(conn, table)
        conn.commit()
    write_secrets(args.secrets_file, make_url(sqlalchemy_url).database, subscriptions)
    loaded_in = time.perf_counter() - phase

    phase = time.perf_counter()
    rendered = render_all_events(sqlalchemy_url, meetings, max(1, args.jobs))
    rendered_in = time.perf_counter() - phase

    phase = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
        with contextlib.suppress(psycopg.errors.InsufficientPrivilege):
            conn.execute("CHECKPOINT")
        missing = conn.execute(
            "SELECT count(*) FROM meetings LEFT JOIN feed_events ON meeting_id = id WHERE text IS NULL"
        ).fetchone()[0]
        per_year = conn.execute(
            "SELECT extract(year FROM start)::int, count(*) FROM meetings GROUP BY 1 ORDER BY 1"
        ).fetchall()
    vacuumed_in = time.perf_counter() - phase

    # Every feed rendered once, as `flask feeds render` does after a bulk load; then the biggest public one.
    app = make_app(sqlalchemy_url)
    phase = time.perf_counter()
    feeds_rendered = render_everything(app)
    feeds_in = time.perf_counter() - phase
    with app.app_context():
        response = app.test_client().get("/feeds/all.ics", headers={"Accept-Encoding": "identity"})
        events = response.data.count(b"BEGIN:VEVENT")
        db.session.remove()
        db.engine.dispose()

    print(f"\nloaded into {make_url(sqlalchemy_url).database} (calendar {first_day} .. {last_day}):")
    print(
        f"  rooms {len(rooms)} ({', '.join(f'{v} {n}' for v, n in Counter(r.venue for r in rooms).items())}), "
        f"missions {len(generator.missions)}, processes {len(generator.processes)}, "
        f"subscriptions {len(subscriptions)}"
    )
    print(
        f"  meetings {meetings:,}: "
        + ", ".join(
            f"{s} {generator.counts[s]:,}" for s in ("confirmed", "tentative", "requested", "cancelled", "postponed")
        )
    )
    print(f"  history rows {changes:,}, closed-meeting invitations {len(generator.invitations):,}")
    print("  meetings a year: " + ", ".join(f"{year} {n:,}" for year, n in per_year))
    print(f"  stored events rendered {rendered:,}; missing {missing}")
    print(
        f"  {feeds_rendered:,} feeds rendered in {feeds_in:.1f} s; /feeds/all.ics: {response.status_code}, "
        f"{events:,} events, {len(response.data) / 1e6:.1f} MB"
    )
    print(f"  subscription secrets: {args.secrets_file}")
    print(
        f"time: COPY {loaded_in:.1f} s, events {rendered_in:.1f} s ({args.jobs} processes), "
        f"VACUUM ANALYZE {vacuumed_in:.1f} s; total {time.perf_counter() - started:.1f} s"
    )
    return 0 if missing == 0 and response.status_code == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
