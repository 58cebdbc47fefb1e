"""Calendar feeds, read back by three independent parsers, over HTTP, on both databases."""

import gzip
import re
import subprocess
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import text

from scheduler.extensions import db
from scheduler.feeds import files, rendering, worker

from .feed_readers import ical_js_calendar_properties, read_everywhere
from .helpers import TRAFFICKING_PROCESS, book

HOSTILE_TITLE = (
    "Line one\r\nEND:VEVENT\rBEGIN:VEVENT, commas; semicolons \\ backslash \\n not a newline "
    "🙂🇺🇳 " + "اجتماع" * 33 + "会议" * 100
)
STORED_HOSTILE_TITLE = HOSTILE_TITLE.replace("\r\n", "\n").replace("\r", "\n")


def uid(meeting_json) -> str:
    return f"meeting-{meeting_json['id']}@scheduler.invalid"


def utc(local: str, zone: str) -> datetime:
    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def add_venue(client, admin, officer, code, timezone_name, room_code):
    assert (
        client.post(
            "/api/v1/venues",
            headers=admin,
            json={
                "code": code,
                "name": f"Venue {code}",
                "timezone": timezone_name,
                "slots": [{"name": "morning", "start": "10:00", "end": "13:00"}],
            },
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/api/v1/rooms",
            headers=officer,
            json={"code": room_code, "name": f"Room {room_code}", "venue": code, "capacity": 100},
        ).status_code
        == 201
    )


# --- times ----------------------------------------------------------------------------

DST_MEETINGS = [
    # (room, zone, local start, local end): both sides of each DST change, and a night across one.
    ("ECOSOC", "America/New_York", "2027-03-12T10:00", "2027-03-12T12:00"),
    ("ECOSOC", "America/New_York", "2027-03-15T10:00", "2027-03-15T12:00"),
    ("CR-1", "America/New_York", "2027-03-13T22:00", "2027-03-14T04:00"),
    ("ECOSOC", "America/New_York", "2027-11-05T10:00", "2027-11-05T12:00"),
    ("ECOSOC", "America/New_York", "2027-11-08T15:00", "2027-11-08T18:00"),
    ("XX", "Europe/Zurich", "2027-03-26T10:00", "2027-03-26T13:00"),
    ("XX", "Europe/Zurich", "2027-03-29T10:00", "2027-03-29T13:00"),
    ("XX", "Europe/Zurich", "2027-10-29T10:00", "2027-10-29T13:00"),
    ("XX", "Europe/Zurich", "2027-11-01T10:00", "2027-11-01T13:00"),
    ("CR-NBO", "Africa/Nairobi", "2027-03-12T10:00", "2027-03-12T13:00"),
    ("CR-NBO", "Africa/Nairobi", "2027-07-12T10:00", "2027-07-12T13:00"),
]


def test_every_reader_gives_each_meeting_at_the_moment_zoneinfo_gives(client, officer, admin):
    # Venues of their own (not the seeded UNOG and UNON), in the same zones.
    add_venue(client, admin, officer, "GVA", "Europe/Zurich", "XX")
    add_venue(client, admin, officer, "NBO", "Africa/Nairobi", "CR-NBO")
    expected = {}
    for room, zone, start, end in DST_MEETINGS:
        created = book(client, officer, room=room, start=start, end=end, title=f"{room} {start}")
        expected[uid(created)] = (utc(start, zone), utc(end, zone))

    feed = client.get("/feeds/all.ics")
    assert feed.status_code == 200
    for reader, events in read_everywhere(feed.data).items():
        got = {u: (e["start"], e["end"]) for u, e in events.items()}
        assert got == expected, reader
    body = feed.data.decode()
    # One VTIMEZONE per zone used, as one yearly rule pair (Nairobi: standard time only), no RDATE lists.
    assert sorted(re.findall(r"^TZID:(.+)\r$", body, re.M)) == ["Africa/Nairobi", "America/New_York", "Europe/Zurich"]
    assert "RDATE" not in body
    assert body.count("RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3") == 1
    assert body.count("RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3") == 1
    assert "DTSTART;TZID=America/New_York:20270313T220000" in body  # local wall time, not floating
    events = body[body.index("BEGIN:VEVENT") :]
    assert not re.search(r"^DT(START|END):\d{8}T\d{6}\r$", events, re.M)  # never floating


def test_a_meeting_booked_centuries_ahead_reads_at_the_moment_zoneinfo_gives(client, officer, admin):
    # A zone is published as the yearly rules it settles on; Santiago's ("Sunday after the first
    # Saturday") is no RRULE, so in years where the published rule differs its meetings are in UTC.
    # Past 2582 (where libical stops following yearly rules) every meeting is in UTC. Readers that
    # apply the VTIMEZONE must still get summer time right.
    add_venue(client, admin, officer, "GVA", "Europe/Zurich", "XX")
    add_venue(client, admin, officer, "SCL", "America/Santiago", "CR-SCL")
    # In 2998 summer time runs from 11 March to 4 November in New York and from 25 March in Zurich; in
    # 2103 Santiago's winter time starts on 8 April: days next to the changes, where a rule that stopped
    # repeating (or the wrong rule) would show.
    meetings = [
        ("ECOSOC", "America/New_York", "2998-03-12T10:00", "2998-03-12T12:00"),
        ("ECOSOC", "America/New_York", "2998-11-01T10:00", "2998-11-01T12:00"),
        ("ECOSOC", "America/New_York", "2998-12-14T10:00", "2998-12-14T12:00"),
        ("CR-SCL", "America/Santiago", "2103-04-03T10:00", "2103-04-03T12:00"),
        ("XX", "Europe/Zurich", "2998-03-26T10:00", "2998-03-26T13:00"),
    ]
    expected = {}
    for room, zone, start, end in meetings:
        created = book(client, officer, room=room, start=start, end=end, title=f"{room} {start}")
        expected[uid(created)] = (utc(start, zone), utc(end, zone))
    assert expected[uid(created)][0].hour == 8  # Zurich, 26 March 2998: UTC+2, as zoneinfo says

    feed = client.get("/feeds/all.ics")
    assert feed.status_code == 200
    for reader, events in read_everywhere(feed.data).items():
        assert {u: (e["start"], e["end"]) for u, e in events.items()} == expected, reader


def test_a_zone_east_of_utc_whose_rules_changed_reads_right_in_the_year_of_the_change(client, officer, admin):
    # Jerusalem's summer time starts on the Friday before the last Sunday of March: as yearly rules,
    # runs of years end (UNTIL) in 2027, when its summer time starts on 26 March. An UNTIL at the very
    # moment of that change was dropped by icalendar's reader of VTIMEZONEs, which the app's own check
    # of each zone uses; the UNTIL is now a day later, and every reader must still agree.
    add_venue(client, admin, officer, "JRS", "Asia/Jerusalem", "CR-JRS")
    expected = {}
    for start, end in [
        ("2027-03-26T10:00", "2027-03-26T12:00"),
        ("2027-06-14T10:00", "2027-06-14T12:00"),
        ("2027-10-29T10:00", "2027-10-29T12:00"),
        ("2027-11-01T10:00", "2027-11-01T12:00"),
    ]:
        created = book(client, officer, room="CR-JRS", start=start, end=end, title=f"Jerusalem {start}")
        expected[uid(created)] = (utc(start, "Asia/Jerusalem"), utc(end, "Asia/Jerusalem"))
    feed = client.get("/feeds/all.ics")
    for reader, events in read_everywhere(feed.data).items():
        assert {u: (e["start"], e["end"]) for u, e in events.items()} == expected, reader


# --- text -----------------------------------------------------------------------------


def test_hostile_text_comes_back_unchanged_from_every_reader(client, officer):
    description = "Agenda:\n1. Opening; 2. Draft, \\ revised\nEND:VCALENDAR"
    created = book(
        client, officer, title=HOSTILE_TITLE, description=description, start="2027-06-14T10:00", end="2027-06-14T12:00"
    )
    assert created["title"] == STORED_HOSTILE_TITLE
    feed = client.get("/feeds/all.ics").data
    assert b"\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nEND" not in feed
    for reader, events in read_everywhere(feed).items():
        event = events[uid(created)]
        assert event["summary"] == STORED_HOSTILE_TITLE, reader
        assert event["description"].endswith(description), reader
    for line in feed.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # folding never splits a character
    assert feed.endswith(b"\r\n") and b"\n" not in feed.replace(b"\r\n", b"")


# --- status and changes ---------------------------------------------------------------


def test_cancelled_and_postponed_meetings_stay_marked(client, officer):
    kept = book(client, officer, title="Consultations", start="2027-06-14T10:00", end="2027-06-14T12:00")
    cancelled = book(client, officer, title="Briefing", start="2027-06-15T10:00", end="2027-06-15T12:00")
    postponed = book(client, officer, title="Side event", start="2027-06-16T10:00", end="2027-06-16T12:00")
    client.post(f"/api/v1/meetings/{cancelled['id']}/cancel", json={"reason": "No quorum"}, headers=officer)
    client.post(f"/api/v1/meetings/{postponed['id']}/postpone", json={"reason": "Awaiting draft"}, headers=officer)
    for reader, events in read_everywhere(client.get("/feeds/all.ics").data).items():
        assert (events[uid(kept)]["status"], events[uid(kept)]["sequence"]) == ("CONFIRMED", 0), reader
        gone = events[uid(cancelled)]
        assert (gone["status"], gone["summary"], gone["sequence"]) == ("CANCELLED", "Cancelled: Briefing", 1)
        assert "No quorum" in gone["description"]
        later = events[uid(postponed)]
        assert (later["status"], later["summary"]) == ("CANCELLED", "Postponed: Side event")


def test_a_change_bumps_sequence_and_etag_and_the_same_data_gives_the_same_bytes(app, client, officer):
    created = book(client, officer, start="2027-06-14T10:00", end="2027-06-14T12:00")
    first = client.get("/feeds/all.ics")
    another_host(app)
    again = client.get("/feeds/all.ics")
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    render_all_again(app)  # rendered anew from the data: byte for byte the same, so the same version
    assert client.get("/feeds/all.ics", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    client.patch(f"/api/v1/meetings/{created['id']}", json={"start": "2027-06-14T11:00"}, headers=officer)
    moved = client.get("/feeds/all.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert moved.status_code == 200 and moved.headers["ETag"] != first.headers["ETag"]
    for reader, events in read_everywhere(moved.data).items():
        event = events[uid(created)]
        assert (event["sequence"], event["start"]) == (1, utc("2027-06-14T11:00", "America/New_York")), reader
    notes = client.patch(f"/api/v1/meetings/{created['id']}", json={"notes": "internal"}, headers=officer)
    assert notes.json["sequence"] == 1  # not shown in calendars: no new SEQUENCE


# --- HTTP -----------------------------------------------------------------------------


def test_http_headers_conditional_requests_and_head(client, officer):
    book(client, officer, start="2027-06-14T10:00", end="2027-06-14T12:00")
    response = client.get("/feeds/all.ics", headers={})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'inline; filename="all.ics"'
    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response.headers["Last-Modified"]

    not_modified = client.get("/feeds/all.ics", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert (
        client.get("/feeds/all.ics", headers={"If-Modified-Since": response.headers["Last-Modified"]}).status_code
        == 304
    )
    head = client.head("/feeds/all.ics")
    assert head.status_code == 200 and head.data == b"" and head.headers["ETag"] == etag
    assert client.get("/feeds/all.ics", headers={"Accept": "text/calendar"}).data == response.data

    zipped = client.get("/feeds/all.ics", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == response.data
    assert zipped.headers["ETag"] != etag


def gunzip_independently(data: bytes) -> bytes:
    """GNU gzip's own inflate (not zlib, which Python's gzip module uses)."""
    return subprocess.run(["gzip", "-dc"], input=data, capture_output=True, check=True).stdout


def test_a_gzipped_feed_is_the_plain_feed_as_it_changes(app, client, officer):
    booked = [
        book(client, officer, title=f"Meeting {day}", start=f"2027-06-{day}T10:00", end=f"2027-06-{day}T12:00")
        for day in (*range(14, 19), *range(21, 26))
    ]

    def both():
        zipped = client.get("/feeds/all.ics", headers={"Accept-Encoding": "gzip"})
        plain = client.get("/feeds/all.ics", headers={"Accept-Encoding": "identity"})
        assert zipped.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain.headers
        assert gunzip_independently(zipped.data) == gzip.decompress(zipped.data) == plain.data
        assert zipped.headers["ETag"] != plain.headers["ETag"]  # two representations
        assert zipped.headers["Last-Modified"] == plain.headers["Last-Modified"]
        return zipped.data, plain.data

    before, _ = both()
    assert (
        client.patch(f"/api/v1/meetings/{booked[3]['id']}", json={"title": "Renamed"}, headers=officer).status_code
        == 200
    )
    cancel = client.post(f"/api/v1/meetings/{booked[6]['id']}/cancel", json={"reason": "No quorum"}, headers=officer)
    assert cancel.status_code == 200
    book(client, officer, title="Added", start="2027-06-18T15:00", end="2027-06-18T17:00")
    after, plain = both()
    assert after != before
    assert plain.count(b"BEGIN:VEVENT") == 11 and b"SUMMARY:Renamed" in plain and b"Cancelled: Meeting 22" in plain
    another_host(app)  # a host that copies the feed anew serves the same bytes
    assert both()[0] == after


# --- which meetings -------------------------------------------------------------------


def test_feeds_hold_the_public_meetings_of_their_subject(client, officer):
    client.post("/api/v1/processes", json=TRAFFICKING_PROCESS, headers=officer)
    informal = book(
        client,
        officer,
        title="Informal",
        kind="informal_consultations",
        start="2027-06-14T10:00",
        end="2027-06-14T12:00",
        process="trafficking-in-persons-declaration",
    )
    plenary = book(
        client,
        officer,
        title="Plenary",
        kind="plenary",
        room="GA-HALL",
        body="General Assembly",
        start="2027-06-14T15:00",
        end="2027-06-14T18:00",
    )
    ecosoc = book(
        client,
        officer,
        title="ECOSOC",
        room="CR-4",
        body="Economic and Social Council",
        start="2027-06-15T10:00",
        end="2027-06-15T12:00",
    )
    for_missions = book(
        client, officer, title="Missions only", visibility="missions", start="2027-06-16T10:00", end="2027-06-16T12:00"
    )
    closed = book(
        client, officer, title="Closed", visibility="closed", start="2027-06-17T10:00", end="2027-06-17T12:00"
    )

    def uids(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.data[:200])
        return sorted(read_everywhere(response.data)["ical.js"])

    assert uids("/feeds/all.ics") == sorted(map(uid, (informal, plenary, ecosoc)))
    assert uids("/feeds/rooms/ECOSOC.ics") == [uid(informal)]
    assert uids("/feeds/rooms/ecosoc.ics") == [uid(informal)]
    assert uids("/feeds/bodies/general-assembly.ics") == sorted(map(uid, (informal, plenary)))
    assert uids("/feeds/bodies/economic-and-social-council.ics") == [uid(ecosoc)]
    assert uids("/feeds/processes/trafficking-in-persons-declaration.ics") == [uid(informal)]
    assert uids("/feeds/all.ics?kind=plenary") == [uid(plenary)]
    assert uids("/feeds/all.ics?kind=plenary,informal_consultations") == sorted(map(uid, (informal, plenary)))
    client.post(f"/api/v1/meetings/{ecosoc['id']}/cancel", json={"reason": "x"}, headers=officer)
    assert uids("/feeds/all.ics?status=cancelled") == [uid(ecosoc)]
    body = client.get("/feeds/all.ics").data
    assert b"Missions only" not in body and b"Closed" not in body
    assert for_missions["id"] and closed["id"]

    assert client.get("/feeds/rooms/NOWHERE.ics").status_code == 404
    assert client.get("/feeds/bodies/no-such-body.ics").status_code == 404
    assert client.get("/feeds/processes/no-such-process.ics").status_code == 404
    bad = client.get("/feeds/all.ics?kind=party")
    assert bad.status_code == 422 and "kind" in bad.json["errors"]["query"]


def test_one_meeting_has_one_uid_in_every_feed(client, officer):
    client.post("/api/v1/processes", json=TRAFFICKING_PROCESS, headers=officer)
    created = book(
        client, officer, process="trafficking-in-persons-declaration", start="2027-06-14T10:00", end="2027-06-14T12:00"
    )
    for url in (
        "/feeds/all.ics",
        "/feeds/rooms/ECOSOC.ics",
        "/feeds/bodies/general-assembly.ics",
        "/feeds/processes/trafficking-in-persons-declaration.ics",
    ):
        assert list(read_everywhere(client.get(url).data)["vobject"]) == [uid(created)]


def test_the_window_keeps_recent_past_and_everything_ahead(app, client, officer, monkeypatch):
    old = book(client, officer, title="Long ago", start="2017-06-16T10:00", end="2017-06-16T12:00")
    ahead = book(client, officer, title="Ahead", start="2035-06-18T10:00", end="2035-06-18T12:00")
    assert list(read_everywhere(client.get("/feeds/all.ics").data)["icalendar"]) == [uid(ahead)]
    monkeypatch.setitem(app.config, "FEED_PAST_DAYS", 365 * 20)
    assert sorted(read_everywhere(client.get("/feeds/all.ics").data)["icalendar"]) == sorted([uid(old), uid(ahead)])


# --- the calendar ---------------------------------------------------------------------


def test_calendar_properties_clients_need(app, client, officer, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://meetings.example.org")
    book(client, officer, start="2027-06-14T10:00", end="2027-06-14T12:00")
    feed = client.get("/feeds/rooms/ECOSOC.ics").data
    text_feed = feed.decode()
    for line in (
        "VERSION:2.0",
        "METHOD:PUBLISH",
        "UID:feed-room-ECOSOC@scheduler.invalid",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        "SOURCE;VALUE=URI:https://meetings.example.org/feeds/rooms/ECOSOC.ics",
        "TRANSP:TRANSPARENT",
    ):
        assert f"\r\n{line}\r\n" in text_feed, line
    assert "ORGANIZER" not in text_feed and "ATTENDEE" not in text_feed
    properties = ical_js_calendar_properties(feed)
    assert properties["name"] == properties["x-wr-calname"] == "Economic and Social Council Chamber (UNHQ)"
    assert properties["x-wr-caldesc"].startswith("Public meetings in the Economic and Social Council Chamber")


def test_hostile_names_cannot_inject_calendar_lines(client, officer):
    client.patch("/api/v1/rooms/ECOSOC", json={"name": "Chamber\nEND:VCALENDAR\nX-EVIL:1, ;"}, headers=officer)
    book(client, officer, start="2027-06-14T10:00", end="2027-06-14T12:00")
    feed = client.get("/feeds/rooms/ECOSOC.ics").data
    assert b"\r\nX-EVIL" not in feed and feed.count(b"END:VCALENDAR\r\n") == 1
    # Neither icalendar nor ical.js knows NAME's type (RFC 7986 TEXT): both give it back as written,
    # escaped on one line, and unescaping that gives the room's name back.
    escaped = "Chamber\\nEND:VCALENDAR\\nX-EVIL:1\\, \\; (UNHQ)"
    for name in ("NAME", "X-WR-CALNAME"):
        assert str(icalendar.Calendar.from_ical(feed)[name]) == escaped
    assert ical_js_calendar_properties(feed)["name"] == escaped
    unescaped = escaped.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")
    assert unescaped == "Chamber\nEND:VCALENDAR\nX-EVIL:1, ; (UNHQ)"
    [event] = read_everywhere(feed)["vobject"].values()
    assert event["location"] == "Chamber\nEND:VCALENDAR\nX-EVIL:1, ;, United Nations Headquarters"


# --- several workers, failures --------------------------------------------------------


def another_host(app) -> None:
    """What a host that never served a feed has: no copies. Its next round copies them from the database."""
    files.clear(Path(app.config["FEED_DIR"]))


def render_all_again(app) -> None:
    assert app.test_cli_runner().invoke(args=["feeds", "render"]).exit_code == 0


def _changed_elsewhere(app, sql: str, subjects: str = "all", **values) -> None:
    """Changed by plain SQL (a bulk load, a fix by hand), with the row that tells the feeds."""
    with app.app_context():
        db.session.execute(text(sql), values)
        db.session.execute(
            text("INSERT INTO feed_changes (subjects, at) VALUES (:subjects, :at)"),
            {"subjects": subjects, "at": datetime.now(timezone.utc).replace(tzinfo=None)},
        )
        db.session.commit()


def test_a_change_made_elsewhere_is_rendered(app, client, officer):
    book(client, officer, title="Other", start="2027-06-15T10:00", end="2027-06-15T12:00")
    created = book(client, officer, title="Before", start="2027-06-14T10:00", end="2027-06-14T12:00")
    assert b"Before" in client.get("/feeds/all.ics").data
    _changed_elsewhere(
        app, "UPDATE meetings SET title = 'After', version = version + 1 WHERE id = :id", id=created["id"]
    )
    body = client.get("/feeds/all.ics").data
    assert b"SUMMARY:After" in body and b"Before" not in body and b"SUMMARY:Other" in body


def test_a_meeting_whose_event_was_never_rendered_is_in_the_feed(app, client, officer):
    """As after a bulk load: the feed renders the missing event."""
    book(client, officer, title="Other", start="2027-06-15T10:00", end="2027-06-15T12:00")
    created = book(client, officer, title="Bulk", start="2027-06-14T10:00", end="2027-06-14T12:00")
    client.get("/feeds/all.ics")
    _changed_elsewhere(app, "DELETE FROM feed_events WHERE meeting_id = :id", id=created["id"])
    rendering.forget()  # a feed worker that starts afresh
    assert b"SUMMARY:Bulk" in client.get("/feeds/all.ics").data


def test_each_changed_feed_is_rendered_once_and_no_other(client, officer, monkeypatch):
    renders = []
    real_render = rendering.render
    monkeypatch.setattr(
        rendering, "render", lambda definition, *rest: renders.append(definition.key) or real_render(definition, *rest)
    )
    book(client, officer, title="Here", start="2027-06-14T10:00", end="2027-06-14T12:00")
    first = client.get("/feeds/rooms/ECOSOC.ics")
    assert sorted(renders) == ["all.ics", "rooms/ECOSOC.ics"]
    renders.clear()
    book(client, officer, title="Elsewhere", room="CR-4", start="2027-06-14T10:00", end="2027-06-14T12:00")
    again = client.get("/feeds/rooms/ECOSOC.ics")
    assert sorted(renders) == ["all.ics", "rooms/CR-4.ics"]
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    renders.clear()
    client.get("/feeds/rooms/ECOSOC.ics")
    assert renders == []  # nothing changed: nothing rendered


def test_a_room_rename_reaches_the_stored_events(client, officer):
    book(client, officer, start="2027-06-14T10:00", end="2027-06-14T12:00")
    client.patch("/api/v1/rooms/ECOSOC", json={"name": "ECOSOC Chamber"}, headers=officer)
    [event] = read_everywhere(client.get("/feeds/all.ics").data)["ical.js"].values()
    assert event["location"] == "ECOSOC Chamber, United Nations Headquarters"


def test_when_rendering_fails_the_last_good_bytes_are_served(app, client, officer, monkeypatch, caplog):
    book(client, officer, title="First", start="2027-06-14T10:00", end="2027-06-14T12:00")
    good = client.get("/feeds/all.ics")
    book(client, officer, title="Second", start="2027-06-15T10:00", end="2027-06-15T12:00")

    def broken(*args, **kwargs):
        raise RuntimeError("renderer broke")

    monkeypatch.setattr(rendering, "assemble", broken)
    served = client.get("/feeds/all.ics")
    assert served.status_code == 200 and served.data == good.data
    assert "could not be rendered" in caplog.text
    another_host(app)  # a host without copies gets the last good bytes too
    assert client.get("/feeds/all.ics").data == good.data
    never_rendered = client.get("/feeds/rooms/CR-1.ics")
    assert never_rendered.status_code == 503 and never_rendered.headers["Retry-After"]


def test_a_renamed_venue_and_process_reach_every_event(client, officer, admin):
    client.post("/api/v1/processes", json=TRAFFICKING_PROCESS, headers=officer)
    created = book(
        client, officer, process=TRAFFICKING_PROCESS["slug"], start="2027-06-14T10:00", end="2027-06-14T12:00"
    )
    assert b"United Nations Headquarters" in client.get("/feeds/all.ics").data  # its event rendered
    assert client.patch("/api/v1/venues/UNHQ", json={"name": "UN Headquarters"}, headers=admin).status_code == 200
    assert (
        client.patch(
            f"/api/v1/processes/{TRAFFICKING_PROCESS['slug']}", json={"title": "Trafficking review"}, headers=officer
        ).status_code
        == 200
    )
    for reader, events in read_everywhere(client.get("/feeds/all.ics").data).items():
        event = events[uid(created)]
        assert event["location"] == "Economic and Social Council Chamber, UN Headquarters", reader
        assert "Process: Trafficking review" in event["description"], reader


# Changed by plain SQL: only the table's own updated_at moves; the events that show it are rendered again.
CHANGED_BESIDE_MEETINGS = {
    "room": (
        "UPDATE rooms SET name = 'Chamber renamed', updated_at = :now WHERE code = 'ECOSOC'",
        "location",
        "Chamber renamed, United Nations Headquarters",
    ),
    "venue": (
        "UPDATE venues SET name = 'Venue renamed', updated_at = :now WHERE code = 'UNHQ'",
        "location",
        "Economic and Social Council Chamber, Venue renamed",
    ),
    "process": (
        "UPDATE processes SET title = 'Process renamed', updated_at = :now",
        "description",
        "Process: Process renamed",
    ),
}


@pytest.mark.parametrize("changed", CHANGED_BESIDE_MEETINGS)
def test_a_room_venue_or_process_changed_elsewhere_reaches_its_events(app, client, officer, changed):
    sql, field, expected = CHANGED_BESIDE_MEETINGS[changed]
    client.post("/api/v1/processes", json=TRAFFICKING_PROCESS, headers=officer)
    created = book(
        client, officer, process=TRAFFICKING_PROCESS["slug"], start="2027-06-14T10:00", end="2027-06-14T12:00"
    )
    assert b"United Nations Headquarters" in client.get("/feeds/all.ics").data  # its event rendered
    _changed_elsewhere(app, sql, subjects="*", now=datetime.now(timezone.utc))
    for reader, events in read_everywhere(client.get("/feeds/all.ics").data).items():
        assert expected in events[uid(created)][field], reader


def test_a_renamed_room_without_meetings_renames_its_feed(client, officer):
    assert b"X-WR-CALNAME:Conference Room 4 (UNHQ)" in client.get("/feeds/rooms/CR-4.ics").data
    client.patch("/api/v1/rooms/CR-4", json={"name": "Conference Room Four"}, headers=officer)
    assert b"X-WR-CALNAME:Conference Room Four (UNHQ)" in client.get("/feeds/rooms/CR-4.ics").data


def test_a_renamed_mission_renames_its_private_feeds(client, officer, mission):
    made = client.post("/api/v1/subscriptions", json={"name": "All"}, headers=mission).json
    path = made["feed_url"].removeprefix("http://localhost")
    assert b"Meetings for the Permanent Mission BEL" in client.get(path).data.replace(b"\r\n ", b"")
    client.patch("/api/v1/missions/BEL", json={"name": "Permanent Mission of Belgium"}, headers=officer)
    assert b"Meetings for the Permanent Mission of Belgium" in client.get(path).data.replace(b"\r\n ", b"")


STORE_EVENT = "UPDATE feed_events SET text = :event WHERE meeting_id = :id"


def _stored_event(app, client, meeting_id: int) -> str:
    client.get("/feeds/all.ics")  # rendered, and its events kept
    with app.app_context():
        return db.session.scalar(text("SELECT text FROM feed_events WHERE meeting_id = :id"), {"id": meeting_id})


def _contains(feed: bytes, event: str) -> bool:
    return event.encode() in feed


# What breaks a kept event, and what the log then says.
CORRUPTIONS = {
    "a raw LF inside a line": (
        lambda event: event.replace("SUMMARY:", "SUMMARY:Broken\nline ", 1),
        "a raw CR or LF inside a line",
    ),
    "a raw CR inside a line": (
        lambda event: event.replace("SUMMARY:", "SUMMARY:Broken\rline ", 1),
        "a raw CR or LF inside a line",
    ),
    "an overlong line": (
        lambda event: event.replace("SUMMARY:", "SUMMARY:" + "x" * 80 + "\r\n SUMMARY:", 1).replace(
            "\r\n SUMMARY:", "", 1
        ),
        "octets, over 75",
    ),
    "a component left open": (
        lambda event: event.replace("END:VEVENT\r\n", "BEGIN:VALARM\r\nEND:VEVENT\r\n"),
        "END:VEVENT closes nothing open",
    ),
    "END of what is not open": (
        lambda event: event.replace("END:VEVENT\r\n", "END:VALARM\r\nEND:VEVENT\r\n"),
        "END:VALARM closes nothing open",
    ),
    "not a VEVENT": (lambda event: event.replace("END:VEVENT\r\n", "END:VTODO\r\n"), "not one VEVENT"),
    "END glued to the line before": (
        lambda event: event.replace("\r\nEND:VEVENT\r\n", "END:VEVENT\r\n"),
        "not one VEVENT",
    ),
    "the calendar closed inside": (
        lambda event: event.replace("END:VEVENT\r\n", "END:VCALENDAR\r\nX:END:VEVENT\r\n"),
        "not one VEVENT",
    ),
    "two events in one": (lambda event: event + event, "more than one VEVENT"),
    "a zone without VTIMEZONE": (
        lambda event: event.replace("DTSTART;TZID=America/New_York", "DTSTART;TZID=Mars/Olympus_Mons", 1),
        "Mars/Olympus_Mons",
    ),
}


@pytest.mark.parametrize("corruption", CORRUPTIONS)
@pytest.mark.parametrize("host", ["this host", "another host"])
def test_a_feed_with_an_event_that_fails_its_checks_is_not_served(app, client, officer, caplog, corruption, host):
    """A kept event broken behind the app's back (by hand, or by a bug elsewhere): the feed keeps its
    last good bytes rather than serve what a calendar could choke on, on every host, and says why."""
    book(client, officer, title="First", start="2027-06-14T10:00", end="2027-06-14T12:00")
    second = book(client, officer, title="Second", start="2027-06-15T10:00", end="2027-06-15T12:00")
    stored = _stored_event(app, client, second["id"])
    breaks, message = CORRUPTIONS[corruption]
    assert breaks(stored) != stored
    _changed_elsewhere(app, STORE_EVENT, event=breaks(stored), id=second["id"])
    rendering.forget()  # a feed worker that starts afresh, and reads the kept events again
    if host == "another host":
        another_host(app)
    served = client.get("/feeds/all.ics")
    assert served.status_code == 200 and b"SUMMARY:First" in served.data and b"SUMMARY:Second" in served.data
    assert not _contains(served.data, breaks(stored)), corruption
    assert "could not be rendered" in caplog.text and message in caplog.text, caplog.text[-500:]


def test_a_kept_event_put_right_is_served_again(app, client, officer, monkeypatch):
    book(client, officer, title="First", start="2027-06-14T10:00", end="2027-06-14T12:00")
    second = book(client, officer, title="Second", start="2027-06-15T10:00", end="2027-06-15T12:00")
    stored = _stored_event(app, client, second["id"])
    _changed_elsewhere(app, STORE_EVENT, event=stored.replace("SUMMARY:", "SUMMARY:Broken\nline ", 1), id=second["id"])
    rendering.forget()
    book(client, officer, title="Third", start="2027-06-16T10:00", end="2027-06-16T12:00")
    assert b"SUMMARY:Third" not in client.get("/feeds/all.ics").data
    _changed_elsewhere(app, STORE_EVENT, event=stored, id=second["id"])
    rendering.forget()
    monkeypatch.setattr(worker, "RETRY_AFTER_FAILURE", timedelta(0))
    assert b"SUMMARY:Third" in client.get("/feeds/all.ics").data


def test_an_escaped_tzid_in_a_text_is_not_a_zone(client, officer):
    book(
        client,
        officer,
        title="Talk about ;TZID=Mars/Olympus_Mons",
        description="Also;TZID=Nowhere here",
        start="2027-06-14T10:00",
        end="2027-06-14T12:00",
    )
    served = client.get("/feeds/all.ics")
    assert served.status_code == 200 and b"Olympus_Mons" in served.data


# --- free/busy ------------------------------------------------------------------------


def test_room_free_busy_shows_busy_times_only(client, officer):
    book(client, officer, title="Public talk", start="2027-06-14T10:00", end="2027-06-14T12:00")
    book(client, officer, title="Secret talk", visibility="closed", start="2027-06-14T12:00", end="2027-06-14T13:00")
    client.post(
        "/api/v1/rooms/ECOSOC/blocks",
        headers=officer,
        json={"start": "2027-06-15T08:00", "end": "2027-06-15T09:00", "reason": "Cleaning"},
    )
    response = client.get("/feeds/rooms/ECOSOC.vfb")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.data.decode()
    assert "FREEBUSY;FBTYPE=BUSY;VALUE=PERIOD:20270614T140000Z/20270614T170000Z" in body  # merged
    assert "FREEBUSY;FBTYPE=BUSY;VALUE=PERIOD:20270615T120000Z/20270615T130000Z" in body
    assert "talk" not in body and "Cleaning" not in body
    assert client.get("/feeds/rooms/ECOSOC.vfb", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert client.get("/feeds/rooms/NOWHERE.vfb").status_code == 404


# --- links in the API -----------------------------------------------------------------


def test_the_api_hands_out_feed_links(client, officer):
    room = client.get("/api/v1/rooms/ECOSOC").json
    assert room["feed_url"] == "http://localhost/feeds/rooms/ECOSOC.ics"
    assert room["webcal_url"] == "webcal://localhost/feeds/rooms/ECOSOC.ics"
    assert client.get(room["feed_url"].replace("http://localhost", "")).status_code == 200
    client.post("/api/v1/processes", json=TRAFFICKING_PROCESS, headers=officer)
    book(client, officer, body="Economic and Social Council")
    bodies = client.get("/api/v1/bodies").json
    assert [(b["name"], b["slug"]) for b in bodies] == [
        ("Economic and Social Council", "economic-and-social-council"),
        ("General Assembly", "general-assembly"),
    ]
    assert bodies[1]["webcal_url"] == "webcal://localhost/feeds/bodies/general-assembly.ics"


def test_the_render_command_renders_every_feed(app, client, officer, monkeypatch):
    created = book(client, officer, start="2027-06-14T10:00", end="2027-06-14T12:00")
    monkeypatch.setitem(app.config, "FEEDS_RENDER_ON_REQUEST", False)
    monkeypatch.setitem(app.config, "ICAL_UID_DOMAIN", "meetings.example.org")
    rendered = app.test_cli_runner().invoke(args=["feeds", "render"])
    assert rendered.exit_code == 0 and rendered.stdout.strip().endswith("feed(s) rendered")
    assert int(rendered.stdout.split()[1]) >= 1 + 17  # all.ics and each seeded room's, at least
    assert list(read_everywhere(client.get("/feeds/all.ics").data)["ical.js"]) == [
        f"meeting-{created['id']}@meetings.example.org"
    ]


# --- found in review ------------------------------------------------------------------


def test_text_that_looks_like_a_parameter_does_not_break_the_feed(client, officer):
    created = book(
        client,
        officer,
        title="Note;TZID=Bogus:x and DTSTART;TZID=Nowhere:20270101T000000",
        start="2027-06-14T10:00",
        end="2027-06-14T12:00",
    )
    response = client.get("/feeds/all.ics")
    assert response.status_code == 200
    for reader, events in read_everywhere(response.data).items():
        assert events[uid(created)]["summary"] == created["title"], reader


def test_a_meeting_leaving_the_feed_moves_last_modified_forward(client, officer):
    book(client, officer, title="Stays", start="2027-06-14T10:00", end="2027-06-14T12:00")
    leaving = book(client, officer, title="Leaves", start="2027-06-15T10:00", end="2027-06-15T12:00")
    before = client.get("/feeds/all.ics")
    client.patch(f"/api/v1/meetings/{leaving['id']}", json={"visibility": "closed"}, headers=officer)
    after = client.get("/feeds/all.ics", headers={"If-Modified-Since": before.headers["Last-Modified"]})
    assert after.status_code == 200 and b"Leaves" not in after.data


@pytest.mark.parametrize("host", ["this host", "another host"])
def test_a_meeting_moved_to_another_room_moves_its_old_rooms_last_modified_forward(app, client, officer, host):
    # The room's newest meeting leaves it: the feed's Last-Modified must move forward all the same, or a
    # client sending only If-Modified-Since would keep the meeting in the old room.
    book(client, officer, title="Stays", start="2027-06-14T10:00", end="2027-06-14T12:00")
    moving = book(client, officer, title="Moves", start="2027-06-15T10:00", end="2027-06-15T12:00")
    before = client.get("/feeds/rooms/ECOSOC.ics")
    assert b"SUMMARY:Moves" in before.data
    assert client.patch(f"/api/v1/meetings/{moving['id']}", json={"room": "CR-4"}, headers=officer).status_code == 200
    if host == "another host":
        another_host(app)
    after = client.get("/feeds/rooms/ECOSOC.ics", headers={"If-Modified-Since": before.headers["Last-Modified"]})
    assert after.status_code == 200 and b"SUMMARY:Stays" in after.data and b"Moves" not in after.data
    assert parsedate_to_datetime(after.headers["Last-Modified"]) > parsedate_to_datetime(
        before.headers["Last-Modified"]
    )


def test_last_modified_moves_only_when_the_bytes_change(client, officer):
    book(client, officer, title="Here", start="2027-06-14T10:00", end="2027-06-14T12:00")
    first = client.get("/feeds/rooms/ECOSOC.ics")
    book(client, officer, title="Elsewhere", room="CR-4", start="2027-06-14T10:00", end="2027-06-14T12:00")
    second = client.get("/feeds/rooms/ECOSOC.ics")
    assert (second.headers["ETag"], second.headers["Last-Modified"]) == (
        first.headers["ETag"],
        first.headers["Last-Modified"],
    )


def test_a_forged_host_does_not_reach_other_clients(client, officer):
    book(client, officer, start="2027-06-14T10:00", end="2027-06-14T12:00")
    client.get("/feeds/all.ics", headers={"Host": "evil.example"})
    assert b"evil.example" not in client.get("/feeds/all.ics").data


def test_free_busy_is_stable_and_marks_tentative_meetings(client, officer):
    book(client, officer, status="tentative", start="2027-06-14T10:00", end="2027-06-14T12:00")
    first = client.get("/feeds/rooms/ECOSOC.vfb")
    unfolded = first.data.decode().replace("\r\n ", "")
    assert "FREEBUSY;FBTYPE=BUSY-TENTATIVE;VALUE=PERIOD:20270614T140000Z/20270614T160000Z" in unfolded
    second = client.get("/feeds/rooms/ECOSOC.vfb", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 304


def test_free_busy_changes_only_with_the_busy_time_it_shows(client, officer, mission, clock):
    closed = book(client, officer, visibility="closed", start="2027-06-14T10:00", end="2027-06-14T12:00")
    first = client.get("/feeds/rooms/ECOSOC.vfb")
    clock.advance(5)
    client.patch(f"/api/v1/meetings/{closed['id']}", json={"notes": "Bring the draft"}, headers=officer)
    request = book(client, mission, start="2027-06-15T10:00", end="2027-06-15T11:00")
    client.post(f"/api/v1/meetings/{request['id']}/withdraw", json={}, headers=mission)
    same = client.get("/feeds/rooms/ECOSOC.vfb")
    assert same.data == first.data and same.headers["ETag"] == first.headers["ETag"]
    client.patch(f"/api/v1/meetings/{closed['id']}", json={"end": "2027-06-14T13:00"}, headers=officer)
    assert client.get("/feeds/rooms/ECOSOC.vfb").headers["ETag"] != first.headers["ETag"]


def test_a_body_known_only_from_closed_meetings_has_no_feed(client, officer):
    book(
        client,
        officer,
        body="Secret Working Group",
        visibility="closed",
        start="2027-06-14T10:00",
        end="2027-06-14T12:00",
    )
    assert client.get("/feeds/bodies/secret-working-group.ics").status_code == 404


def test_a_room_rename_is_a_visible_change_with_new_stamps(client, officer):
    created = book(client, officer, start="2027-06-14T10:00", end="2027-06-14T12:00")
    before = read_everywhere(client.get("/feeds/all.ics").data)
    stamp_before = re.search(rb"DTSTAMP:(\w+)", client.get("/feeds/all.ics").data).group(1)
    client.patch("/api/v1/rooms/ECOSOC", json={"capacity": 360}, headers=officer)  # not shown: no new SEQUENCE
    assert client.get(f"/api/v1/meetings/{created['id']}").json["sequence"] == 0
    client.patch("/api/v1/rooms/ECOSOC", json={"name": "ECOSOC Chamber"}, headers=officer)
    feed = client.get("/feeds/all.ics").data
    after = read_everywhere(feed)
    for reader in after:
        assert after[reader][uid(created)]["sequence"] == before[reader][uid(created)]["sequence"] + 1
    assert re.search(rb"DTSTAMP:(\w+)", feed).group(1) >= stamp_before  # (to the second)
    assert client.get(f"/api/v1/meetings/{created['id']}").json["sequence"] == 1


def test_gzip_is_only_sent_to_clients_that_accept_it(client, officer):
    book(client, officer, start="2027-06-14T10:00", end="2027-06-14T12:00")
    response = client.get("/feeds/all.ics", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in response.headers and response.data.startswith(b"BEGIN:VCALENDAR")


def test_new_versions_after_a_restore_move_every_feed_forward(app, client, officer):
    book(client, officer, start="2027-06-14T10:00", end="2027-06-14T12:00")
    before = client.get("/feeds/all.ics")
    render_all_again(app)  # the same bytes: the same version
    assert client.get("/feeds/all.ics").headers["ETag"] == before.headers["ETag"]
    assert app.test_cli_runner().invoke(args=["feeds", "render", "--new-versions"]).exit_code == 0
    after = client.get("/feeds/all.ics", headers={"If-Modified-Since": before.headers["Last-Modified"]})
    assert after.status_code == 200 and after.data == before.data
    assert parsedate_to_datetime(after.headers["Last-Modified"]) > parsedate_to_datetime(
        before.headers["Last-Modified"]
    )


def test_filtered_feeds_are_made_up_to_a_limit(client, officer, monkeypatch):
    from scheduler.feeds import api

    monkeypatch.setattr(api, "MAX_FILTERED_FEEDS", 1)
    book(client, officer, kind="plenary", start="2027-06-14T10:00", end="2027-06-14T12:00")
    assert client.get("/feeds/all.ics?kind=plenary").status_code == 200
    assert client.get("/feeds/all.ics?kind=plenary").status_code == 200  # made already: served
    refused = client.get("/feeds/all.ics?kind=briefing")
    assert refused.status_code == 429 and "without ?kind=" in refused.json["message"]


def test_a_variant_first_asked_for_tells_nothing_of_hidden_changes(client, officer, clock):
    book(client, officer, title="Open", start="2027-06-14T10:00", end="2027-06-14T12:00")
    client.get("/feeds/all.ics")
    clock.advance(3600)
    book(client, officer, title="Closed", visibility="closed", start="2027-06-15T10:00", end="2027-06-15T12:00")
    [closed] = [m for m in client.get("/api/v1/meetings", headers=officer).json if m["title"] == "Closed"]
    hidden_change = closed["updated_at"]
    clock.advance(3600)
    variant = client.get("/feeds/all.ics?kind=briefing")
    assert variant.status_code == 200
    moment = datetime.strptime(variant.headers["Last-Modified"], "%a, %d %b %Y %H:%M:%S GMT").replace(
        tzinfo=timezone.utc
    )
    assert abs(moment - datetime.fromisoformat(hidden_change)) > timedelta(minutes=30)


def test_a_backslash_before_n_in_a_title_is_escaped_as_rfc_5545_says(client, officer):
    title = "Path C:\\new\\table; a, b"  # a backslash, then the letter n: not a line break
    book(client, officer, title=title, start="2027-06-14T10:00", end="2027-06-14T12:00")
    feed = client.get("/feeds/all.ics").data
    assert b"SUMMARY:Path C:\\\\new\\\\table\\; a\\, b\r\n" in feed.replace(b"\r\n ", b"")
    for reader, events in read_everywhere(feed).items():
        assert [event["summary"] for event in events.values()] == [title], reader
