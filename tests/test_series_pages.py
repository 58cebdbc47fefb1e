"""The console's series form, over HTTP: one form books a recurring meeting, shows taken dates, or skips them."""

from .helpers import book
from .test_web import csrf_of, field_errors, sign_in, text_of


def series_form(client, **values) -> dict:
    page = client.get("/console/series/new")
    assert page.status_code == 200, page.text
    form = {
        "csrf_token": csrf_of(page.text),
        "title": "Informal consultations",
        "kind": "informal_consultations",
        "room": "ECOSOC",
        "start_time": "10:00",
        "end_time": "12:00",
        "slot": "",
        "weekdays": ["tuesday"],
        "from": "2030-03-01",
        "until": "",
        "count": "4",
        "mode": "all_or_nothing",
        "visibility": "public",
        "body": "",
        "process": "",
        "expected_participants": "",
        "organizers": "",
    }
    form.update(values)
    return form


def titles_on(client, headers, first: str, last: str) -> list[tuple[str, str]]:
    listed = client.get(f"/api/v1/meetings?from={first}&to={last}&venue=UNHQ", headers=headers).json
    return [(m["start"][:16], m["title"]) for m in listed]


def test_the_series_form_books_every_tuesday(client, officer, officer_token):
    sign_in(client, officer_token)
    booked = client.post("/console/series/new", data=series_form(client))
    assert booked.status_code == 303 and "/console/week/2030-03-05" in booked.headers["Location"]
    assert "Booked 4 meetings: Informal consultations" in text_of(client.get(booked.headers["Location"]).text)
    assert [start for start, _ in titles_on(client, officer, "2030-03-01", "2030-03-31")] == [
        "2030-03-05T10:00",
        "2030-03-12T10:00",
        "2030-03-19T10:00",
        "2030-03-26T10:00",
    ]


def test_a_taken_date_refuses_the_series_or_is_skipped(client, officer, officer_token):
    book(client, officer, title="Plenary", start="2030-03-12T09:00", end="2030-03-12T13:00")
    sign_in(client, officer_token)
    refused = client.post("/console/series/new", data=series_form(client))
    assert refused.status_code == 409
    assert "2030-03-12: Plenary (09:00–13:00)" in text_of(refused.text)
    assert titles_on(client, officer, "2030-03-01", "2030-03-31") == [("2030-03-12T09:00", "Plenary")]

    skipped = client.post("/console/series/new", data=series_form(client, mode="skip_conflicts"), follow_redirects=True)
    assert "Booked 3 meetings" in text_of(skipped.text)
    assert "Not booked, the room being taken: 2030-03-12" in text_of(skipped.text)


def test_the_series_form_says_what_is_missing_all_at_once(client, officer, officer_token):
    sign_in(client, officer_token)
    response = client.post("/console/series/new", data=series_form(client, title="", weekdays=[], room=""))
    assert response.status_code == 422
    errors = field_errors(response.text)
    assert errors["title"] == "Give a title" and errors["room"] == "Give a room"
    assert client.post("/console/series/new", data=series_form(client, weekdays=[])).status_code == 422
