"""Times that survive the clocks: every reader of tests/feed_readers.py (libical and a reader that keeps
one yearly pair, as Outlook does, among them) reads every meeting at the moment zoneinfo gives, in
zones of irregular rules and in the hour a fall-back repeats; a zone is written the same in every feed."""

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from .feed_readers import READERS, libical_missing, read_everywhere
from .helpers import book
from .test_feeds import add_venue, uid, utc


def test_every_reader_is_here():
    missing = libical_missing()
    if missing:
        pytest.skip(f"libical cannot read here ({missing}): `make test` installs it where it runs as root")
    assert set(READERS) == {"icalendar", "vobject", "ical.js", "libical", "one yearly pair"}


def moments_by_reader(feed: bytes) -> dict[str, dict[str, tuple]]:
    return {
        reader: {u: (e["start"], e["end"]) for u, e in events.items()}
        for reader, events in read_everywhere(feed).items()
    }


def test_both_hours_of_a_fall_back_are_read_right_by_every_reader(client, officer):
    # 7 November 2027, New York: 01:00-02:00 happens at -04:00, then again at -05:00. The offset says which.
    first = book(client, officer, room="ECOSOC", start="2027-11-07T01:30-04:00", end="2027-11-07T01:50-04:00")
    second = book(client, officer, room="CR-1", start="2027-11-07T01:30-05:00", end="2027-11-07T02:30-05:00")
    # Across the repeated hour: it starts before it and ends in it.
    across = book(client, officer, room="CR-2", start="2027-11-06T23:00-04:00", end="2027-11-07T01:15-05:00")
    # Beside it, local times that name one moment stay local.
    before = book(client, officer, room="CR-3", start="2027-11-06T10:00", end="2027-11-06T12:00")
    expected = {
        uid(first): (
            datetime(2027, 11, 7, 5, 30, tzinfo=timezone.utc),
            datetime(2027, 11, 7, 5, 50, tzinfo=timezone.utc),
        ),
        uid(second): (
            datetime(2027, 11, 7, 6, 30, tzinfo=timezone.utc),
            datetime(2027, 11, 7, 7, 30, tzinfo=timezone.utc),
        ),
        uid(across): (
            datetime(2027, 11, 7, 3, 0, tzinfo=timezone.utc),
            datetime(2027, 11, 7, 6, 15, tzinfo=timezone.utc),
        ),
        uid(before): (utc("2027-11-06T10:00", "America/New_York"), utc("2027-11-06T12:00", "America/New_York")),
    }
    feed = client.get("/feeds/all.ics").data
    for reader, moments in moments_by_reader(feed).items():
        assert moments == expected, reader
    text = feed.decode().replace("\r\n ", "")
    assert "DTSTART:20271107T053000Z" in text and "DTSTART:20271107T063000Z" in text
    assert "DTSTART;TZID=America/New_York:20271106T100000" in text


# (venue, zone, room): irregular rules, negative and half-hour daylight time, offsets of 45 minutes.
ZONES = [
    ("SCL", "America/Santiago", "CR-SCL"),
    ("CAS", "Africa/Casablanca", "CR-CAS"),
    ("CAI", "Africa/Cairo", "CR-CAI"),
    ("GZA", "Asia/Gaza", "CR-GZA"),
    ("BEY", "Asia/Beirut", "CR-BEY"),
    ("HAV", "America/Havana", "CR-HAV"),
    ("DUB", "Europe/Dublin", "CR-DUB"),
    ("LHI", "Australia/Lord_Howe", "CR-LHI"),
    ("CHT", "Pacific/Chatham", "CR-CHT"),
    ("KTM", "Asia/Kathmandu", "CR-KTM"),
]


def changes_of_offset(zone: str, year: int) -> list[date]:
    """The local days on which the offset at 10:00 differs from the day before's."""
    tz = ZoneInfo(zone)
    days = [date(year, 1, 1) + timedelta(days=n) for n in range(366)]
    offsets = [datetime.combine(day, time(10)).replace(tzinfo=tz).utcoffset() for day in days]
    return [day for day, before, after in zip(days[1:], offsets, offsets[1:]) if before != after]


def probe_days(zone: str) -> set[date]:
    """The 15th of every third month of 2027 and 2029, and the days on both sides of each change."""
    days = {date(year, month, 15) for year in (2027, 2029) for month in (1, 4, 7, 10)}
    for year in (2027, 2029):
        for day in changes_of_offset(zone, year):
            days |= {day - timedelta(days=1), day}
    return days


def test_zones_no_yearly_pair_describes_read_right_by_every_reader(client, officer, admin):
    expected = {}
    for code, zone, room in ZONES:
        add_venue(client, admin, officer, code, zone, room)
        for day in sorted(probe_days(zone)):
            start, end = f"{day}T10:00", f"{day}T12:00"
            created = book(client, officer, room=room, start=start, end=end, title=f"{zone} {day}")
            expected[uid(created)] = (utc(start, zone), utc(end, zone))
    feed = client.get("/feeds/all.ics").data
    for reader, moments in moments_by_reader(feed).items():
        assert moments.keys() == expected.keys(), reader
        wrong = {expected[u][0].isoformat(): got for u, got in moments.items() if got != expected[u]}
        assert not wrong, reader
    # Each zone as one yearly pair at most: one STANDARD, perhaps one DAYLIGHT.
    for block in re.findall(r"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE\r\n", feed.decode(), re.S):
        assert block.count("BEGIN:STANDARD") + block.count("BEGIN:DAYLIGHT") <= 2, block
        assert block.count("BEGIN:DAYLIGHT") <= 1 and "RDATE" not in block, block


def vtimezones(feed: bytes) -> dict[str, str]:
    return {
        re.search(r"\nTZID:(.*?)\r", block).group(1): block
        for block in re.findall(r"BEGIN:VTIMEZONE\r\n.*?END:VTIMEZONE\r\n", feed.decode(), re.S)
    }


def test_a_zone_is_written_the_same_in_every_feed(client, officer, admin):
    add_venue(client, admin, officer, "SCL", "America/Santiago", "CR-SCL")
    assert (
        client.post(
            "/api/v1/rooms", headers=officer, json={"code": "CR-SCL2", "name": "Room 2", "venue": "SCL", "capacity": 50}
        ).status_code
        == 201
    )
    book(client, officer, room="CR-SCL", start="2027-06-14T10:00", end="2027-06-14T12:00")
    book(client, officer, room="CR-SCL2", start="2041-06-14T10:00", end="2041-06-14T12:00")
    book(client, officer, room="ECOSOC", start="2027-06-14T10:00", end="2027-06-14T12:00")
    feeds = {path: client.get(f"/feeds/{path}").data for path in ("all.ics", "rooms/CR-SCL.ics", "rooms/CR-SCL2.ics")}
    santiago = {path: vtimezones(feed)["America/Santiago"] for path, feed in feeds.items()}
    assert len(set(santiago.values())) == 1, santiago
    assert (
        vtimezones(feeds["all.ics"])["America/New_York"]
        == vtimezones(client.get("/feeds/rooms/ECOSOC.ics").data)["America/New_York"]
    )


def test_a_feed_without_meetings_holds_its_venues_time_zone(client, officer, admin):
    add_venue(client, admin, officer, "BKK", "Asia/Bangkok", "CR-BKK")
    feed = client.get("/feeds/rooms/CR-BKK.ics")
    assert feed.status_code == 200
    assert list(vtimezones(feed.data)) == ["Asia/Bangkok"]  # RFC 5545: a calendar holds a component
    assert "BEGIN:VEVENT" not in feed.data.decode()
    for reader, events in read_everywhere(feed.data).items():
        assert events == {}, reader
    everything = client.get("/feeds/all.ics").data  # no public meeting yet: the default venue's zone
    assert list(vtimezones(everything)) == ["America/New_York"]


def event_block(feed: bytes, meeting) -> str:
    [block] = [
        block
        for block in re.findall(r"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", feed.decode(), re.S)
        if f"\nUID:{uid(meeting)}\r\n" in block
    ]
    return block


def test_changes_no_calendar_shows_leave_the_feed_bytes_alone(client, officer):
    created = book(client, officer, start="2027-06-14T10:00", end="2027-06-14T12:00")
    other = book(client, officer, start="2027-06-15T10:00", end="2027-06-15T12:00")
    path = f"/api/v1/meetings/{created['id']}"
    before = client.get("/feeds/all.ics")
    for change in ({"notes": "Interpreters confirmed"}, {"expected_participants": 120}):
        assert client.patch(path, json=change, headers=officer).status_code == 200
        after = client.get("/feeds/all.ics")
        assert after.data == before.data, change
        assert after.headers["ETag"] == before.headers["ETag"], change
    # The feed made again for another meeting's change: this meeting's event is as it was, stamps and all.
    client.patch(f"/api/v1/meetings/{other['id']}", json={"title": "Another briefing"}, headers=officer)
    again = client.get("/feeds/all.ics")
    assert again.headers["ETag"] != before.headers["ETag"]
    assert event_block(again.data, created) == event_block(before.data, created)

    # What the event's description shows is shown: a new SEQUENCE.
    assert client.patch(path, json={"organizers": ["Permanent Mission of Fiji"]}, headers=officer).json["sequence"] == 1
    assert client.patch(path, json={"title": "Briefing on the draft"}, headers=officer).json["sequence"] == 2
    shown = client.get("/feeds/all.ics").data
    assert event_block(shown, created) != event_block(before.data, created)
    for reader, events in read_everywhere(shown).items():
        assert (events[uid(created)]["summary"], events[uid(created)]["sequence"]) == ("Briefing on the draft", 2), (
            reader
        )
