"""The booking and request forms check first: warnings and a request's collisions are shown before anything is
made, and the person goes ahead with one click (the API's POST /meetings/check, through the pages)."""

import re

from werkzeug.datastructures import MultiDict

from .conftest import make_token
from .helpers import book
from .test_web import meeting_form, sign_in, text_of

CHRISTMAS_IN_CR_9 = {  # 150 people in a 60-seat room without booths, interpreted, on a UNHQ holiday
    "title": "Year-end briefing",
    "room": "CR-9",
    "date": "2026-12-25",
    "start": "10:00",
    "end": "13:00",
    "expected_participants": "150",
    "languages": ["en", "fr"],
}


def api_meetings(client, headers, day: str) -> list[str]:
    listed = client.get(f"/api/v1/meetings?from={day}&to={day}&venue=UNHQ", headers=headers).json
    return [m["title"] for m in listed]


def test_an_officer_sees_every_warning_before_booking_and_books_on_confirming(client, officer, officer_token):
    sign_in(client, officer_token)
    first = client.post("/console/meetings/new", data=meeting_form(client, confirmed=False, **CHRISTMAS_IN_CR_9))
    assert first.status_code == 200
    shown = text_of(first.text)
    assert "Before you book" in shown and "Book it anyway" in shown
    for words in ("150 participants expected; CR-9 seats 60", "CR-9 has no interpretation booths", "Christmas Day"):
        assert words in shown, words
    assert api_meetings(client, officer, "2026-12-25") == []  # nothing booked yet

    # "Book it anyway" sends the same form again, confirmed: post exactly what that button's form holds.
    button_form = first.text.split('class="check"')[1].split("</form>")[0]
    fields = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', button_form)
    assert ("confirmed", "1") in fields and ("languages", "fr") in fields
    booked = client.post("/console/meetings/new", data=MultiDict(fields))
    assert booked.status_code == 303
    assert api_meetings(client, officer, "2026-12-25") == ["Year-end briefing"]


def test_a_booking_with_nothing_to_say_is_booked_at_once_and_a_collision_refused(client, officer, officer_token):
    sign_in(client, officer_token)
    clean = meeting_form(client, confirmed=False, title="Clean", date="2030-06-19", start="10:00", end="13:00")
    assert client.post("/console/meetings/new", data=clean).status_code == 303
    clash = meeting_form(client, confirmed=False, title="Clash", date="2030-06-19", start="11:00", end="12:00")
    refused = client.post("/console/meetings/new", data=clash)
    assert refused.status_code == 409 and "Take one of these instead" in text_of(refused.text)
    assert api_meetings(client, officer, "2030-06-19") == ["Clean"]


def test_a_mission_sees_the_collision_before_sending_its_request(app, client, officer):
    book(client, officer, title="Plenary", start="2030-06-19T10:00", end="2030-06-19T13:00")
    sign_in(client, make_token(app, "mission", "Permanent Mission of Belgium", mission="BEL"))
    form = meeting_form(
        client,
        url="/mission/requests/new",
        confirmed=False,
        title="Talks with Qatar",
        kind="bilateral",
        date="2030-06-19",
        start="11:00",
        end="12:00",
        visibility="missions",
    )
    form.pop("status")
    checked = client.post("/mission/requests/new", data=form)
    shown = text_of(checked.text)
    assert checked.status_code == 200 and "The room is taken at that time, as things stand" in shown
    assert "Plenary" in shown and "Take one of these instead" in shown and "Send the request anyway" in shown
    assert "Talks with Qatar" not in text_of(client.get("/mission").text)  # nothing sent yet
    sent = client.post("/mission/requests/new", data={**form, "confirmed": "1"})
    assert sent.status_code == 303
    assert "Talks with Qatar" in text_of(client.get("/mission").text)
