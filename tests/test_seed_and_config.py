"""The `seed` command and the default data file; settings read from the environment."""

import hashlib
import json
import secrets

import pytest
from flask.json.tag import TaggedJSONSerializer
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from config.settings import (
    DEVELOPMENT_SECRET_KEY,
    INSTANCE_DIR,
    ConfigurationError,
    development_exposure,
    load_settings,
    normalise_database_url,
)
from scheduler import create_app
from scheduler.accounts.models import ApiToken
from scheduler.extensions import db
from scheduler.venues.cli import DEFAULT_DATA

DATA = json.loads(DEFAULT_DATA.read_text(encoding="utf-8"))


def seed(app, *args):
    # No application context is pushed here: the command must push its own, as under `flask --app wsgi`.
    return app.test_cli_runner().invoke(args=["seed", *args])


# --- the data file ---------------------------------------------------------------------


def test_every_room_says_where_its_capacity_comes_from():
    rooms = [room for venue in DATA["venues"] for room in venue["rooms"]]
    assert len(rooms) >= 17
    for room in rooms:
        source = room.get("capacity_source")
        assert isinstance(source, str) and source.strip(), room["code"]
        assert source.startswith(("published", "estimate")), room["code"]
    ga_hall = next(room for room in rooms if room["code"] == "GA-HALL")
    assert ga_hall["capacity"] == 1800 and ga_hall["capacity_source"].startswith("published")
    assert "estimate" in DATA["about"] and "not published" in DATA["about"]


def test_data_file_names_every_unhq_room_of_the_product():
    [unhq] = [venue for venue in DATA["venues"] if venue["code"] == "UNHQ"]
    names = {room["name"] for room in unhq["rooms"]}
    assert {
        "General Assembly Hall",
        "Security Council Chamber",
        "Security Council Consultations Room",
        "Trusteeship Council Chamber",
        "Economic and Social Council Chamber",
    } <= names
    assert {f"Conference Room {n}" for n in range(1, 13)} <= names
    codes = [room["code"] for venue in DATA["venues"] for room in venue["rooms"]]
    assert len(codes) == len(set(codes))


# --- seeding ---------------------------------------------------------------------------


def test_seeded_rooms_are_those_of_the_data_file(client):
    [unhq] = [venue for venue in DATA["venues"] if venue["code"] == "UNHQ"]
    rooms = {room["code"]: room for room in client.get("/api/v1/rooms?venue=UNHQ").json}
    assert set(rooms) == {room["code"] for room in unhq["rooms"]}
    for item in unhq["rooms"]:
        room = rooms[item["code"]]
        assert (
            room["name"],
            room["capacity"],
            room["features"],
            room["setup_minutes"],
            room["teardown_minutes"],
            room["active"],
        ) == (item["name"], item["capacity"], item["features"], item["setup_minutes"], item["teardown_minutes"], True)
    venue = client.get("/api/v1/venues/UNHQ").json
    assert venue["slots"] == unhq["slots"] and venue["working_days"] == unhq["working_days"]
    assert venue["interpretation_teams"] == unhq["interpretation_teams"]


def test_seed_is_idempotent(app, client):
    # The fixtures seeded once already.
    before_rooms, before_venues = client.get("/api/v1/rooms").json, client.get("/api/v1/venues").json
    for _ in range(2):
        result = seed(app)
        assert result.exit_code == 0, result.output
        assert result.output.strip() == "seed: 0 venue(s), 0 room(s) and 0 holiday(s) added"
    assert client.get("/api/v1/rooms").json == before_rooms
    assert client.get("/api/v1/venues").json == before_venues


def test_seed_never_overwrites_what_officers_changed(app, client, officer, admin):
    changed = client.patch(
        "/api/v1/rooms/ECOSOC",
        json={"capacity": 420, "features": ["webcast"], "active": False, "setup_minutes": 15},
        headers=officer,
    )
    assert changed.status_code == 200
    slots = [{"name": "day", "start": "09:00", "end": "18:00"}]
    venue = client.patch("/api/v1/venues/UNHQ", json={"slots": slots, "interpretation_teams": 7}, headers=admin)
    assert venue.status_code == 200

    result = seed(app)
    assert result.exit_code == 0, result.output
    assert "0 venue(s), 0 room(s) and 0 holiday(s) added" in result.output
    assert client.get("/api/v1/rooms/ECOSOC").json == changed.json
    assert client.get("/api/v1/venues/UNHQ").json == venue.json


def test_seed_adds_only_what_is_missing(app, client, tmp_path):
    unhq = {key: value for key, value in DATA["venues"][0].items() if key != "holidays"}
    data = {
        "venues": [
            {
                **unhq,
                "name": "Renamed in the file",
                "rooms": [
                    {**DATA["venues"][0]["rooms"][0], "capacity": 1},  # exists: left alone
                    {
                        "code": "NLB",
                        "name": "North Lawn Building Room",
                        "capacity": 50,
                        "features": [],
                        "capacity_source": "estimate",
                        "setup_minutes": 0,
                        "teardown_minutes": 10,
                    },
                ],
            },
            {
                "code": "BKK",
                "name": "Another venue in Bangkok",
                "timezone": "Asia/Bangkok",
                "working_days": ["monday", "tuesday", "wednesday", "thursday", "friday"],
                "interpretation_teams": 3,
                "slots": [{"name": "morning", "start": "10:00", "end": "13:00"}],
                "rooms": [
                    {
                        "code": "BKK-1",
                        "name": "Room 1",
                        "capacity": 700,
                        "features": ["interpretation"],
                        "capacity_source": "estimate",
                        "setup_minutes": 0,
                        "teardown_minutes": 0,
                    }
                ],
            },
        ]
    }
    path = tmp_path / "venues.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    result = seed(app, "--file", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "seed: 1 venue(s), 2 room(s) and 0 holiday(s) added"
    assert client.get("/api/v1/venues/UNHQ").json["name"] == "United Nations Headquarters"
    assert client.get("/api/v1/rooms/GA-HALL").json["capacity"] == 1800
    nlb = client.get("/api/v1/rooms/NLB").json
    assert (nlb["venue"], nlb["teardown_minutes"]) == ("UNHQ", 10)
    bangkok = client.get("/api/v1/venues/BKK").json
    assert bangkok == {
        "code": "BKK",
        "name": "Another venue in Bangkok",
        "timezone": "Asia/Bangkok",
        "slots": [{"name": "morning", "start": "10:00", "end": "13:00"}],
        "working_days": ["monday", "tuesday", "wednesday", "thursday", "friday"],
        "interpretation_teams": 3,
        "desk_email": None,
        "programme_hour": 18,
    }
    assert [r["code"] for r in client.get("/api/v1/rooms?venue=BKK").json] == ["BKK-1"]
    assert seed(app, "--file", str(path)).output.strip() == "seed: 0 venue(s), 0 room(s) and 0 holiday(s) added"


def test_seed_with_a_missing_file_is_a_usage_error(app, tmp_path):
    result = seed(app, "--file", str(tmp_path / "nowhere.json"))
    assert result.exit_code == 2
    assert "nowhere.json" in result.output


def test_seed_validates_its_file_like_a_request(app, client, tmp_path):
    bad = {"venues": [{"code": "BAD", "name": "Bad zone", "timezone": "Mars/Olympus_Mons", "rooms": []}]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    result = seed(app, "--file", str(path))
    assert result.exit_code == 1
    assert "timezone" in result.output
    assert client.get("/api/v1/venues/BAD").status_code == 404


# --- settings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "environ",
    [
        {"SCHEDULER_ENV": "production"},
        {"SCHEDULER_ENV": "production", "SECRET_KEY": ""},
        {"SCHEDULER_ENV": "production", "SECRET_KEY": DEVELOPMENT_SECRET_KEY},
        {"SCHEDULER_ENV": "production", "SECRET_KEY": "x" * 31},
    ],
)
def test_production_refuses_a_weak_secret_key(environ):
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        load_settings(environ)


def test_production_with_a_strong_secret_key():
    key = secrets.token_urlsafe(48)
    settings = load_settings(
        {
            "SCHEDULER_ENV": "production",
            "SECRET_KEY": key,
            "PUBLIC_URL": "https://meetings.example.org",
            "DATABASE_URL": "postgres://scheduler:pw@db.example.org:5432/scheduler",
        }
    )
    assert settings["SCHEDULER_ENV"] == "production"
    assert settings["SECRET_KEY"] == key
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://scheduler:pw@db.example.org:5432/scheduler"


def test_production_needs_the_public_url():
    with pytest.raises(ConfigurationError, match="PUBLIC_URL"):
        load_settings({"SCHEDULER_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(48)})


def test_development_defaults(tmp_path):
    settings = load_settings({"INSTANCE_DIR": str(tmp_path)})
    assert settings["SCHEDULER_ENV"] == "development"
    # No published constant: a random key of this instance, kept (mode 600) so sessions survive a restart.
    assert settings["SECRET_KEY"] != DEVELOPMENT_SECRET_KEY and len(settings["SECRET_KEY"]) >= 64
    assert load_settings({"INSTANCE_DIR": str(tmp_path)})["SECRET_KEY"] == settings["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert load_settings({"INSTANCE_DIR": str(tmp_path / "other")})["SECRET_KEY"] != settings["SECRET_KEY"]
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{INSTANCE_DIR / 'scheduler.sqlite3'}"
    assert settings["ALTERNATIVE_SEARCH_DAYS"] == 10
    assert load_settings({"ALTERNATIVE_SEARCH_DAYS": "3"})["ALTERNATIVE_SEARCH_DAYS"] == 3


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgres://u:p@localhost:5432/db", "postgresql+psycopg://u:p@localhost:5432/db"),
        ("postgresql://u@127.0.0.1/db?sslmode=require", "postgresql+psycopg://u@127.0.0.1/db?sslmode=require"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////var/lib/scheduler.sqlite3", "sqlite:////var/lib/scheduler.sqlite3"),
    ],
)
def test_database_urls_are_normalised(url, expected):
    assert normalise_database_url(url) == expected
    assert load_settings({"DATABASE_URL": url})["SQLALCHEMY_DATABASE_URI"] == expected


def test_app_does_not_start_in_production_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SCHEDULER_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(ConfigurationError):
        create_app()
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("PUBLIC_URL", "https://meetings.example.org")
    app = create_app()
    assert app.config["SCHEDULER_ENV"] == "production"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'x.sqlite3'}"


@pytest.mark.parametrize("value", ["-1", "20", "ten", "", "2.5"])
def test_a_feed_render_nice_out_of_range_is_refused_by_name(value):
    with pytest.raises(ConfigurationError, match="FEED_RENDER_NICE"):
        load_settings({"FEED_RENDER_NICE": value})


def test_feed_render_nice_takes_0_to_19():
    assert [load_settings({"FEED_RENDER_NICE": v})["FEED_RENDER_NICE"] for v in ("0", "19")] == [0, 19]
    assert load_settings({})["FEED_RENDER_NICE"] == 10


@pytest.mark.parametrize("name", ["FEED_POLL_SECONDS", "FEED_PRIVATE_INTERVAL", "FEED_FIRST_RENDER_WAIT"])
@pytest.mark.parametrize("value", ["-1", "soon", "", "nan", "100000"])
def test_feed_seconds_that_are_not_are_refused_by_name(name, value):
    with pytest.raises(ConfigurationError, match=name):
        load_settings({name: value})


def test_feed_settings_defaults_and_values():
    defaults = load_settings({})
    assert (defaults["FEED_POLL_SECONDS"], defaults["FEED_PRIVATE_INTERVAL"], defaults["FEED_FIRST_RENDER_WAIT"]) == (
        0.2,
        300,
        10,
    )
    assert load_settings({"FEED_PRIVATE_INTERVAL": "30"})["FEED_PRIVATE_INTERVAL"] == 30
    assert load_settings({"FEED_DIR": "/srv/feeds"})["FEED_DIR"] == "/srv/feeds"
    assert load_settings({"FEED_ACCESS_LOG": "1"})["FEED_ACCESS_LOG"] is True


def test_a_session_cookie_signed_with_the_old_public_key_opens_nothing(app, client, admin):
    with app.app_context():
        admin_id = db.session.scalar(select(ApiToken.id).where(ApiToken.role == "admin"))
    forger = URLSafeTimedSerializer(
        DEVELOPMENT_SECRET_KEY,
        salt="cookie-session",
        serializer=TaggedJSONSerializer(),
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )
    client.set_cookie("scheduler_session", forger.dumps({"token_id": admin_id}))
    console = client.get("/console/day/2017-06-16")
    assert console.status_code in (302, 303) and "/sign-in" in console.headers["Location"]


@pytest.mark.parametrize(
    "bind, environ, warned",
    [
        ("127.0.0.1:8000", {}, False),
        ("localhost:8000", {}, False),
        ("0.0.0.0:8000", {}, True),
        ("10.0.0.5:8000", {}, True),
        ("0.0.0.0:8000", {"SCHEDULER_ENV": "production"}, False),
    ],
)
def test_development_settings_served_beyond_loopback_are_warned_of(bind, environ, warned):
    assert (development_exposure(bind, environ) is not None) == warned
