"""Series over HTTP: rules, DST, both conflict modes, one occurrence or all following, feeds."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from .feed_readers import read_everywhere
from .helpers import book

WEEKLY = {
    "title": "Informal consultations",
    "kind": "informal_consultations",
    "room": "ECOSOC",
    "visibility": "public",
    "start_time": "10:00",
    "end_time": "12:00",
    "weekdays": ["tuesday"],
}


def utc(local: str) -> datetime:
    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo("America/New_York")).astimezone(timezone.utc)


def create(client, headers, **overrides):
    body = {key: value for key, value in {**WEEKLY, **overrides}.items() if value is not None}
    return client.post("/api/v1/series", json=body, headers=headers)


def test_a_weekly_series_across_a_dst_change_keeps_its_wall_clock_time(client, officer):
    response = create(client, officer, **{"from": "2027-03-01", "until": "2027-03-31"})
    assert response.status_code == 201, response.json
    series = response.json
    starts = [m["start"] for m in series["meetings"]]
    assert starts == [
        "2027-03-02T10:00:00-05:00",
        "2027-03-09T10:00:00-05:00",
        "2027-03-16T10:00:00-04:00",
        "2027-03-23T10:00:00-04:00",
        "2027-03-30T10:00:00-04:00",
    ]
    assert len({m["id"] for m in series["meetings"]}) == 5 and {m["series_id"] for m in series["meetings"]} == {
        series["id"]
    }
    assert series["skipped"] == []
    events = read_everywhere(client.get("/feeds/all.ics").data)
    for reader, by_uid in events.items():
        assert sorted(e["start"] for e in by_uid.values()) == [utc(s[:19]) for s in starts], reader
    again = client.get(f"/api/v1/series/{series['id']}", headers=officer).json
    assert [m["id"] for m in again["meetings"]] == [m["id"] for m in series["meetings"]]
    assert again["rule"] == {
        "weekdays": ["tuesday"],
        "mode": "all_or_nothing",
        "from": "2027-03-01",
        "until": "2027-03-31",
        "start_time": "10:00",
        "end_time": "12:00",
    }


def test_every_working_day_with_a_count_and_by_slot(client, officer):
    response = create(
        client,
        officer,
        weekdays=None,
        every_working_day=True,
        count=6,
        start_time=None,
        end_time=None,
        slot="afternoon",
        **{"from": "2027-06-10"},
    )
    assert response.status_code == 201, response.json
    assert [m["start"][:10] for m in response.json["meetings"]] == [
        "2027-06-10",
        "2027-06-11",
        "2027-06-14",
        "2027-06-15",
        "2027-06-16",
        "2027-06-17",
    ]
    assert all(m["start"].endswith("T15:00:00-04:00") for m in response.json["meetings"])


def test_two_conflicting_dates_in_both_modes(client, officer):
    for day in ("2027-03-09", "2027-03-23"):
        assert (
            client.post(
                "/api/v1/meetings",
                headers=officer,
                json={
                    "title": "Taken",
                    "kind": "briefing",
                    "room": "ECOSOC",
                    "start": f"{day}T11:00",
                    "end": f"{day}T12:00",
                },
            ).status_code
            == 201
        )
    refused = create(client, officer, **{"from": "2027-03-01", "until": "2027-03-31"})
    assert refused.status_code == 409
    assert [c["date"] for c in refused.json["conflicts"]] == ["2027-03-09", "2027-03-23"]
    assert all(c["alternatives"]["rooms"] for c in refused.json["conflicts"])
    assert len(client.get("/api/v1/meetings?room=ECOSOC", headers=officer).json) == 2  # nothing booked

    skipped = create(client, officer, mode="skip_conflicts", **{"from": "2027-03-01", "until": "2027-03-31"})
    assert skipped.status_code == 201
    assert [m["start"][:10] for m in skipped.json["meetings"]] == ["2027-03-02", "2027-03-16", "2027-03-30"]
    assert [s["date"] for s in skipped.json["skipped"]] == ["2027-03-09", "2027-03-23"]
    assert skipped.json["skipped"][0]["conflicts"][0]["title"] == "Taken"


def test_one_occurrence_and_all_following(client, officer):
    series = create(client, officer, **{"from": "2027-03-01", "count": 4}).json
    first, second, third, fourth = series["meetings"]
    moved = client.patch(f"/api/v1/meetings/{second['id']}", json={"room": "CR-4"}, headers=officer)
    assert moved.status_code == 200 and moved.json["sequence"] == 1

    changed = client.patch(
        f"/api/v1/series/{series['id']}/following?from={third['id']}",
        json={"title": "Consultations (second round)", "start_time": "15:00", "end_time": "17:00"},
        headers=officer,
    )
    assert changed.status_code == 200, changed.json
    assert [(m["title"], m["start"]) for m in changed.json["meetings"]] == [
        ("Consultations (second round)", "2027-03-16T15:00:00-04:00"),
        ("Consultations (second round)", "2027-03-23T15:00:00-04:00"),
    ]
    untouched = client.get(f"/api/v1/meetings/{first['id']}").json
    assert (untouched["title"], untouched["start"]) == ("Informal consultations", "2027-03-02T10:00:00-05:00")

    client.post(
        "/api/v1/meetings",
        headers=officer,
        json={
            "title": "In the way",
            "kind": "briefing",
            "room": "ECOSOC",
            "start": "2027-03-23T10:00",
            "end": "2027-03-23T11:00",
        },
    )
    blocked = client.patch(
        f"/api/v1/series/{series['id']}/following?from={third['id']}",
        json={"start_time": "10:00", "end_time": "12:00"},
        headers=officer,
    )
    assert blocked.status_code == 409 and [c["date"] for c in blocked.json["conflicts"]] == ["2027-03-23"]
    assert client.get(f"/api/v1/meetings/{third['id']}").json["start"] == "2027-03-16T15:00:00-04:00"

    cancelled = client.post(
        f"/api/v1/series/{series['id']}/cancel?from={third['id']}",
        json={"reason": "Consultations concluded"},
        headers=officer,
    )
    assert [m["status"] for m in cancelled.json["meetings"]] == ["cancelled", "cancelled"]
    statuses = [m["status"] for m in client.get(f"/api/v1/series/{series['id']}").json["meetings"]]
    assert statuses == ["confirmed", "confirmed", "cancelled", "cancelled"]
    feed = read_everywhere(client.get("/feeds/all.ics").data)["ical.js"]
    assert feed[f"meeting-{fourth['id']}@scheduler.invalid"]["summary"].startswith("Cancelled: ")


def test_bad_series_input(client, officer, viewer):
    assert create(client, viewer, **{"from": "2027-03-01", "count": 2}).status_code == 403
    assert create(client, officer, **{"from": "2027-03-01"}).status_code == 422  # neither until nor count
    assert create(client, officer, count=2).status_code == 422  # no from
    assert create(client, officer, **{"from": "2027-03-01", "count": 2, "slot": "morning"}).status_code == 422
    gap = create(
        client, officer, start_time="02:30", end_time="03:00", weekdays=["sunday"], **{"from": "2027-03-14", "count": 1}
    )
    assert gap.status_code == 422 and "2027-03-14" in str(gap.json["errors"])
    assert create(client, officer, **{"from": "2027-03-01", "count": 400}).status_code == 422
    assert client.get("/api/v1/series/999").status_code == 404


# --- found in review ------------------------------------------------------------------


def test_changing_all_following_is_all_or_nothing(client, officer):
    series = create(client, officer, weekdays=["monday", "tuesday"], **{"from": "2027-03-01", "count": 2}).json
    monday, tuesday = series["meetings"]
    client.patch(
        f"/api/v1/meetings/{tuesday['id']}",
        json={"start": "2027-03-01T14:00", "end": "2027-03-01T16:00"},
        headers=officer,
    )
    refused = client.patch(
        f"/api/v1/series/{series['id']}/following?from={monday['id']}",
        json={"title": "NEW", "start_time": "12:30", "end_time": "13:30"},
        headers=officer,
    )
    assert refused.status_code == 409
    after = [client.get(f"/api/v1/meetings/{m['id']}", headers=officer).json for m in (monday, tuesday)]
    assert [(m["title"], m["start"]) for m in after] == [
        ("Informal consultations", "2027-03-01T10:00:00-05:00"),
        ("Informal consultations", "2027-03-01T14:00:00-05:00"),
    ]


def test_a_new_start_alone_keeps_the_length(client, officer):
    series = create(client, officer, **{"from": "2027-03-01", "count": 2}).json
    changed = client.patch(
        f"/api/v1/series/{series['id']}/following?from={series['meetings'][0]['id']}",
        json={"start_time": "13:00"},
        headers=officer,
    ).json
    assert [(m["start"][11:16], m["end"][11:16]) for m in changed["meetings"]] == [("13:00", "15:00")] * 2


def test_a_long_weekly_series_is_not_cut_short(client, officer):
    response = create(client, officer, **{"from": "2027-01-05", "count": 160})
    assert response.status_code == 201 and len(response.json["meetings"]) == 160


def test_overnight_occurrences_with_buffers_do_not_collide_with_each_other(client, officer):
    client.patch("/api/v1/rooms/CR-1", json={"setup_minutes": 60, "teardown_minutes": 60}, headers=officer)
    response = create(
        client,
        officer,
        room="CR-1",
        weekdays=None,
        every_working_day=True,
        start_time="20:00",
        end_time="19:00",
        mode="skip_conflicts",
        **{"from": "2027-03-01", "count": 3},
    )
    assert response.status_code == 201, response.json
    assert len(response.json["meetings"]) == 2 and response.json["skipped"][0]["conflicts"][0]["type"] == "occurrence"


def test_a_series_title_is_not_told_to_those_who_see_only_part_of_it(client, officer):
    series = create(
        client, officer, title="SECRET talks", visibility="closed", **{"from": "2027-03-01", "count": 2}
    ).json
    client.patch(
        f"/api/v1/meetings/{series['meetings'][0]['id']}",
        json={"title": "Public", "visibility": "public"},
        headers=officer,
    )
    public = client.get(f"/api/v1/series/{series['id']}").json
    assert public["title"] == "Public" and "SECRET" not in str(public)


def test_changing_following_needs_its_first_occurrence(client, officer):
    series = create(client, officer, **{"from": "2027-03-01", "count": 2}).json
    response = client.patch(f"/api/v1/series/{series['id']}/following", json={"title": "x"}, headers=officer)
    assert response.status_code == 422 and "from" in response.json["errors"]["query"]


def test_a_series_keeps_its_skipped_dates_and_takes_a_replacement(client, officer):
    book(client, officer, title="In the way", start="2027-03-16T10:00", end="2027-03-16T11:00")
    made = create(client, officer, **{"from": "2027-03-01", "count": 5, "mode": "skip_conflicts"}).json
    assert len(made["meetings"]) == 4 and [item["date"] for item in made["skipped"]] == ["2027-03-16"]
    url = f"/api/v1/series/{made['id']}"
    assert client.get(url, headers=officer).json["skipped"] == [{"date": "2027-03-16"}]

    taken = client.post(f"{url}/occurrences", json={"date": "2027-03-16"}, headers=officer)
    assert taken.status_code == 409 and taken.json["alternatives"]["rooms"]
    replacement = client.post(f"{url}/occurrences", json={"date": "2027-03-16", "room": "CR-4"}, headers=officer)
    assert replacement.status_code == 201, replacement.json
    assert (replacement.json["room"], replacement.json["start"]) == ("CR-4", "2027-03-16T10:00:00-04:00")
    assert replacement.json["title"] == "Informal consultations"
    after = client.get(url, headers=officer).json
    assert after["skipped"] == [] and len(after["meetings"]) == 5


def test_the_rule_shows_changes_from_an_occurrence_on_and_new_occurrences_follow_them(client, officer):
    made = create(client, officer, **{"from": "2027-03-01", "count": 3}).json
    url = f"/api/v1/series/{made['id']}"
    third = made["meetings"][2]
    changed = client.patch(
        f"{url}/following?from={third['id']}", json={"start_time": "15:00", "end_time": "17:00"}, headers=officer
    )
    assert changed.json["rule"]["changes"] == [{"from": "2027-03-16", "start_time": "15:00", "end_time": "17:00"}]
    rule = client.get(url, headers=officer).json["rule"]
    assert (rule["start_time"], rule["changes"][-1]["start_time"]) == ("10:00", "15:00")
    added = client.post(f"{url}/occurrences", json={"date": "2027-03-23"}, headers=officer).json
    assert (added["start"], added["end"]) == ("2027-03-23T15:00:00-04:00", "2027-03-23T17:00:00-04:00")
    assert client.post(f"{url}/occurrences", json={"date": "2027-03-30"}).status_code == 401


def test_an_added_occurrence_takes_the_times_the_series_has_now(client, officer):
    made = create(client, officer, **{"from": "2027-03-01", "count": 2}).json
    url = f"/api/v1/series/{made['id']}"
    moved = client.patch(
        f"{url}/following?from={made['meetings'][1]['id']}", json={"start_time": "15:00"}, headers=officer
    )
    assert moved.json["meetings"][0]["end"] == "2027-03-09T17:00:00-05:00"  # a new start alone keeps the length
    added = client.post(f"{url}/occurrences", json={"date": "2027-03-16"}, headers=officer).json
    assert (added["start"], added["end"]) == ("2027-03-16T15:00:00-04:00", "2027-03-16T17:00:00-04:00")


def test_skipping_every_date_books_no_empty_series(client, officer):
    for day in ("2027-03-02", "2027-03-09"):
        book(client, officer, title="All day", kind="plenary", start=f"{day}T09:00", end=f"{day}T13:00")
    refused = create(client, officer, **{"from": "2027-03-01", "count": 2, "mode": "skip_conflicts"})
    assert refused.status_code == 409 and [item["date"] for item in refused.json["conflicts"]] == [
        "2027-03-02",
        "2027-03-09",
    ]
    listed = client.get("/api/v1/meetings?from=2027-03-01&to=2027-03-31&venue=UNHQ", headers=officer).json
    assert [m["title"] for m in listed] == ["All day", "All day"]
