"""The notice sentence of a meeting (GET /api/v1/meetings/{id}/notice), over HTTP, on both databases."""

import pytest

from scheduler.meetings import notice

from .helpers import FIRST_INFORMAL_MEETING, TRAFFICKING_PROCESS, meeting

LETTER_EN = (
    "The co-facilitators invite Member States to a first informal meeting on Friday, 16 June 2017, "
    "from 10 a.m. to 12 p.m. in the ECOSOC Chamber."
)
LETTER_FR = (
    "Les cofacilitateurs invitent les États Membres à une première réunion officieuse le vendredi "
    "16 juin 2017, de 10 heures à 12 heures, dans la salle du Conseil économique et social."
)


def book(client, headers, data):
    response = client.post("/api/v1/meetings", json=data, headers=headers)
    assert response.status_code == 201, response.json
    return response.json["id"]


def make_process(client, headers, **overrides):
    response = client.post("/api/v1/processes", json={**TRAFFICKING_PROCESS, **overrides}, headers=headers)
    assert response.status_code == 201, response.json


def text_of(client, meeting_id, headers=None, lang=None):
    query = f"?lang={lang}" if lang else ""
    response = client.get(f"/api/v1/meetings/{meeting_id}/notice{query}", headers=headers or {})
    assert response.status_code == 200, response.json
    assert response.json["meeting"] == meeting_id
    assert response.json["lang"] == (lang or "en")
    return response.json["text"]


@pytest.fixture
def first(client, officer):
    make_process(client, officer)
    return book(client, officer, FIRST_INFORMAL_MEETING)


def test_the_first_story_in_the_letters_words(client, officer, mission, first):
    assert text_of(client, first, mission) == LETTER_EN
    assert text_of(client, first, mission, "en") == LETTER_EN
    assert text_of(client, first, officer, "fr") == LETTER_FR


def test_the_second_informal_meeting_is_second_and_cancelled_ones_do_not_count(client, officer, first):
    cancelled = book(
        client,
        officer,
        {**FIRST_INFORMAL_MEETING, "title": "Dropped", "start": "2017-06-19T10:00", "end": "2017-06-19T12:00"},
    )
    assert (
        client.post(f"/api/v1/meetings/{cancelled}/cancel", json={"reason": "Dropped"}, headers=officer).status_code
        == 200
    )
    second = book(
        client,
        officer,
        {
            **FIRST_INFORMAL_MEETING,
            "title": "Second informal meeting",
            "start": "2017-06-23T15:00",
            "end": "2017-06-23T18:00",
        },
    )
    # A briefing of the same process is not an informal meeting: it does not shift the count.
    briefing = book(
        client,
        officer,
        {
            **FIRST_INFORMAL_MEETING,
            "title": "Briefing",
            "kind": "briefing",
            "start": "2017-06-20T10:00",
            "end": "2017-06-20T11:00",
        },
    )
    assert text_of(client, second, officer) == (
        "The co-facilitators invite Member States to a second informal meeting on Friday, 23 June 2017, "
        "from 3 p.m. to 6 p.m. in the ECOSOC Chamber."
    )
    assert text_of(client, second, officer, "fr") == (
        "Les cofacilitateurs invitent les États Membres à une deuxième réunion officieuse le vendredi "
        "23 juin 2017, de 15 heures à 18 heures, dans la salle du Conseil économique et social."
    )
    assert "to a first briefing on Tuesday, 20 June 2017" in text_of(client, briefing, officer)
    assert text_of(client, first, officer) == LETTER_EN


def test_a_closed_meeting_of_the_process_does_not_shift_the_count_of_an_open_one(client, officer, mission, first):
    # Member States were not told of it: the next open meeting stays "second".
    book(
        client,
        officer,
        {
            **FIRST_INFORMAL_MEETING,
            "title": "Restricted",
            "visibility": "closed",
            "start": "2017-06-19T10:00",
            "end": "2017-06-19T12:00",
            "invited_missions": ["BEL"],
        },
    )
    later = book(
        client,
        officer,
        {**FIRST_INFORMAL_MEETING, "title": "Open again", "start": "2017-06-20T10:00", "end": "2017-06-20T12:00"},
    )
    assert "to a second informal meeting" in text_of(client, later, officer)


def test_a_single_facilitator(client, officer):
    make_process(client, officer, facilitators=TRAFFICKING_PROCESS["facilitators"][1:])
    meeting_id = book(client, officer, {**FIRST_INFORMAL_MEETING, "kind": "plenary", "room": "CR-4"})
    assert text_of(client, meeting_id, officer) == (
        "The facilitator invites Member States to a first plenary meeting on Friday, 16 June 2017, "
        "from 10 a.m. to 12 p.m. in Conference Room 4."
    )
    assert text_of(client, meeting_id, officer, "fr") == (
        "Le facilitateur invite les États Membres à une première séance plénière le vendredi 16 juin 2017, "
        "de 10 heures à 12 heures, dans la salle de conférence 4."
    )


def test_without_a_process_the_organizers_invite_and_there_is_no_ordinal(client, officer):
    meeting_id = book(
        client, officer, meeting(kind="side_event", room="TC-CHAMBER", organizers=["Belgium", "Qatar", "UNODC"])
    )
    assert text_of(client, meeting_id) == (
        "Belgium, Qatar and UNODC invite Member States to a side event on Monday, 19 June 2017, "
        "from 10 a.m. to 12 p.m. in the Trusteeship Council Chamber."
    )
    assert text_of(client, meeting_id, lang="fr") == (
        "Belgium, Qatar et UNODC invitent les États Membres à une manifestation parallèle le lundi 19 juin 2017, "
        "de 10 heures à 12 heures, dans la salle du Conseil de tutelle."
    )


def test_without_a_process_or_organizers_the_secretariat_invites_with_minutes(client, officer):
    meeting_id = book(client, officer, meeting(start="2017-06-01T09:30", end="2017-06-01T13:15"))
    assert text_of(client, meeting_id) == (
        "The Secretariat invites Member States to a briefing on Thursday, 1 June 2017, "
        "from 9.30 a.m. to 1.15 p.m. in the ECOSOC Chamber."
    )
    assert text_of(client, meeting_id, lang="fr") == (
        "Le Secrétariat invite les États Membres à une séance d'information le jeudi 1er juin 2017, "
        "de 9 h 30 à 13 h 15, dans la salle du Conseil économique et social."
    )


def test_a_closed_meeting_is_not_found_by_those_who_may_not_see_it(client, officer, mission):
    meeting_id = book(client, officer, meeting(visibility="closed"))
    for headers in ({}, mission):
        response = client.get(f"/api/v1/meetings/{meeting_id}/notice", headers=headers)
        assert response.status_code == 404, response.json
    assert client.get(f"/api/v1/meetings/{meeting_id}/notice", headers=officer).status_code == 200
    # Invited, the mission sees it (as it sees the meeting).
    invited = book(
        client,
        officer,
        meeting(visibility="closed", invited_missions=["BEL"], start="2017-06-20T10:00", end="2017-06-20T12:00"),
    )
    assert text_of(client, invited, mission).startswith("The Secretariat invites Member States to a briefing")
    assert client.get("/api/v1/meetings/999/notice", headers=officer).status_code == 404


def test_the_first_story_is_for_missions_not_the_public(client, first):
    assert client.get(f"/api/v1/meetings/{first}/notice").status_code == 404


@pytest.mark.parametrize("lang", ["de", "EN", ""])
def test_other_languages_are_a_422(client, officer, first, lang):
    response = client.get(f"/api/v1/meetings/{first}/notice?lang={lang}", headers=officer)
    assert response.status_code == 422, response.json
    assert "lang" in response.json["errors"]["query"]


# --- the parts, without a database ------------------------------------------------------


def test_ordinals_and_clock_edges():
    assert [notice.ordinal(n, "en") for n in (1, 2, 3, 21, 22, 23, 111)] == [
        "first",
        "second",
        "third",
        "21st",
        "22nd",
        "23rd",
        "111th",
    ]
    assert [notice.ordinal(n, "fr") for n in (1, 2, 21)] == ["première", "deuxième", "21e"]
    from datetime import datetime

    midnight, one, noon = datetime(2017, 6, 16, 0, 0), datetime(2017, 6, 16, 1, 0), datetime(2017, 6, 16, 12, 5)
    assert [notice.clock(m, "en") for m in (midnight, one, noon)] == ["12 a.m.", "1 a.m.", "12.05 p.m."]
    assert [notice.clock(m, "fr") for m in (midnight, one, noon)] == ["0 heure", "1 heure", "12 h 05"]
    assert (
        notice.times(datetime(2017, 6, 16, 22), datetime(2017, 6, 17, 2), "en") == "from 10 p.m. to 2 a.m. the next day"
    )


def test_women_facilitators_in_french():
    one = [{"name": "H.E. Ms. Alya Ahmed Saif Al-Thani"}]
    assert notice.inviters(one, [], "fr") == ("La facilitatrice", False)
    assert notice.inviters(one * 2, [], "fr") == ("Les cofacilitatrices", True)
    assert notice.inviters(one, [], "en") == ("The facilitator", False)


def test_room_names():
    words = {
        name: (notice.room_words(name, "en"), notice.room_words(name, "fr"))
        for name in (
            "Economic and Social Council Chamber",
            "Conference Room 4",
            "General Assembly Hall",
            "Boardroom A",
            "Room XX (Human Rights and Alliance of Civilizations Room)",
        )
    }
    assert words == {
        "Economic and Social Council Chamber": ("the ECOSOC Chamber", "la salle du Conseil économique et social"),
        "Conference Room 4": ("Conference Room 4", "la salle de conférence 4"),
        "General Assembly Hall": ("the General Assembly Hall", "la salle de l'Assemblée générale"),
        "Boardroom A": ("Boardroom A", "la salle Boardroom A"),
        "Room XX (Human Rights and Alliance of Civilizations Room)": (
            "Room XX (Human Rights and Alliance of Civilizations Room)",
            "la salle XX (Human Rights and Alliance of Civilizations Room)",
        ),
    }


def test_a_cancelled_or_postponed_meeting_gets_its_own_notice(client, officer, first):
    client.post(f"/api/v1/meetings/{first}/postpone", json={"reason": "Draft not ready"}, headers=officer)
    assert text_of(client, first, officer) == (
        "The first informal meeting on Friday, 16 June 2017, from 10 a.m. to 12 p.m. in the ECOSOC Chamber, "
        "has been postponed. A new date will be announced."
    )
    assert text_of(client, first, officer, "fr") == (
        "La première réunion officieuse prévue le vendredi 16 juin 2017, de 10 heures à 12 heures, "
        "dans la salle du Conseil économique et social, est reportée. Une nouvelle date sera annoncée."
    )
    client.post(f"/api/v1/meetings/{first}/cancel", json={"reason": "Concluded"}, headers=officer)
    assert text_of(client, first, officer) == (
        "The first informal meeting on Friday, 16 June 2017, from 10 a.m. to 12 p.m. in the ECOSOC Chamber, "
        "has been cancelled."
    )
    assert text_of(client, first, officer, "fr").endswith("dans la salle du Conseil économique et social, est annulée.")


def test_a_request_has_no_notice_until_it_is_approved(client, officer, mission):
    pending = book(client, mission, meeting(kind="bilateral", title="Bilateral"))
    rejected = book(client, mission, meeting(kind="bilateral", start="2017-06-20T10:00", end="2017-06-20T11:00"))
    client.post(f"/api/v1/meetings/{rejected}/reject", json={"reason": "Room closed"}, headers=officer)
    for meeting_id, words in ((pending, "waits for an officer's approval"), (rejected, "was rejected")):
        refused = client.get(f"/api/v1/meetings/{meeting_id}/notice", headers=officer)
        assert refused.status_code == 409 and words in refused.json["message"], refused.json
    client.post(f"/api/v1/meetings/{pending}/approve", json={}, headers=officer)
    assert text_of(client, pending, mission).startswith(
        "The Permanent Mission BEL invites Member States to a bilateral meeting on Monday, 19 June 2017"
    )


def test_an_office_that_invites_takes_its_article(client, officer):
    fiji = book(client, officer, meeting(organizers=["Permanent Mission of Fiji"]))
    assert text_of(client, fiji).startswith("The Permanent Mission of Fiji invites Member States to a briefing")
    both = book(
        client, officer, meeting(organizers=["Office of the President of the General Assembly", "Fiji"], room="CR-4")
    )
    assert text_of(client, both).startswith("The Office of the President of the General Assembly and Fiji invite")
