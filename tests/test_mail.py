"""Mail: who hears what, over a real SMTP server (STARTTLS and AUTH), with iMIP parts the feed readers read
as the feeds show the meeting; nothing lost and nothing twice when the server is down; nothing to anyone who
may not see the meeting."""

import email
import email.policy
from pathlib import Path

import pytest

from scheduler.extensions import mail
from scheduler.notifications.programme import queue_programmes
from scheduler.notifications.sending import send_due

from .conftest import bearer, make_token
from .feed_readers import read_everywhere
from .helpers import book, meeting
from .mail_server import PASSWORD, USERNAME, MailServer
from .test_feeds import uid

DESK = "desk@un.example.org"
BEL = "bel@mission.example.org"
FRA = "fra@mission.example.org"


@pytest.fixture(autouse=True)
def empty_mail_dir(app):
    """Each test reads only the .eml files it made (the folder is the app's, for the whole session)."""
    for path in Path(app.config["MAIL_DIR"]).glob("*.eml"):
        path.unlink()


@pytest.fixture
def smtp(app, tmp_path):
    """The app's mail goes to a real SMTP server on this machine, with STARTTLS from a test CA and AUTH."""
    server = MailServer(str(tmp_path / "ca.pem"))
    server.start()
    saved = {key: value for key, value in app.config.items() if key.startswith("MAIL_")}
    app.config.update(
        MAIL_BACKEND="scheduler.notifications.smtp.EmailBackend",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=server.port,
        MAIL_USE_TLS=True,
        MAIL_USERNAME=USERNAME,
        MAIL_PASSWORD=PASSWORD,
        MAIL_CA_FILE=server.ca_file,
        MAIL_TIMEOUT=5,
    )
    mail.init_app(app)
    yield server
    server.stop()
    app.config.update(saved)
    mail.init_app(app)


@pytest.fixture
def france(app):
    return bearer(make_token(app, "mission", "Permanent Mission of France", mission="FRA"))


def closed_for_belgium(client, officer, day: str = "2027-06-14", **more) -> dict:
    """A closed meeting Belgium is invited to: Belgium hears of it by mail."""
    return book(
        client, officer, visibility="closed", invited_missions=["BEL"], start=f"{day}T10:00", end=f"{day}T12:00", **more
    )


def set_addresses(client, headers, code, *addresses, **more):
    response = client.patch(f"/api/v1/missions/{code}", json={"emails": list(addresses), **more}, headers=headers)
    assert response.status_code == 200, response.json
    return response


def subject(message) -> str:
    """The Subject as a mail program shows it (Flask-Mailman folds a non-ASCII one after "Subject:")."""
    return str(message["Subject"]).strip()


def calendar_part(message: email.message.EmailMessage):
    [part] = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    return part


def sent(app, now=None) -> int:
    with app.app_context():
        return send_due(now)


def test_an_approved_request_reaches_the_mission_with_the_meeting_the_feeds_show(
    app, client, officer, admin, mission, smtp
):
    assert client.patch("/api/v1/venues/UNHQ", json={"desk_email": DESK}, headers=admin).status_code == 200
    set_addresses(client, mission, "BEL", BEL)
    request = client.post(
        "/api/v1/meetings",
        json=meeting(title="Briefing by Belgium", start="2027-06-14T10:00", end="2027-06-14T12:00"),
        headers=mission,
    ).json
    assert sent(app) == 1
    [arrived] = smtp.mailbox.to(DESK)
    assert subject(arrived) == "Request for a room / Demande de salle: Briefing by Belgium"
    assert "Requested by: Permanent Mission BEL" in arrived.get_body(("plain",)).get_content()

    approved = client.post(f"/api/v1/meetings/{request['id']}/approve", json={}, headers=officer)
    assert approved.status_code == 200, approved.json
    assert sent(app) == 1
    [delivery] = [d for d in smtp.mailbox.deliveries if BEL in d.recipients]
    assert delivery.over_tls and delivery.login == USERNAME
    message = delivery.message
    assert subject(message).startswith("Your request is approved / Votre demande est approuvée")
    text = message.get_body(("plain",)).get_content()
    assert "in the ECOSOC Chamber" in text and "When: Monday, 14 June 2027, from 10 a.m. to 12 p.m." in text
    assert message.get_body(("html",)) is not None
    part = calendar_part(message)
    assert part.get_param("method") == "REQUEST"
    invitation = part.get_content().encode()
    feed = client.get("/feeds/all.ics").data
    in_feed = {reader: events[uid(request)] for reader, events in read_everywhere(feed).items()}
    for reader, events in read_everywhere(invitation).items():
        event = events[uid(request)]
        shown = in_feed[reader]
        assert (event["start"], event["end"], event["summary"], event["sequence"]) == (
            shown["start"],
            shown["end"],
            shown["summary"],
            shown["sequence"],
        ), reader
    unfolded = invitation.replace(b"\r\n ", b"")
    assert b"METHOD:REQUEST" in unfolded and b"ORGANIZER" in unfolded and f"mailto:{BEL}".encode() in unfolded

    cancelled = client.post(f"/api/v1/meetings/{request['id']}/cancel", json={"reason": "Room needed"}, headers=officer)
    assert cancelled.status_code == 200
    assert sent(app) == 1
    cancel = calendar_part(smtp.mailbox.to(BEL)[-1])
    assert cancel.get_param("method") == "CANCEL"
    for reader, events in read_everywhere(cancel.get_content().encode()).items():
        event = events[uid(request)]
        assert event["sequence"] > in_feed[reader]["sequence"] and event["status"] == "CANCELLED", reader


def test_a_rejected_request_says_why_and_carries_no_calendar(client, app, officer, mission, smtp):
    set_addresses(client, mission, "BEL", BEL)
    request = client.post(
        "/api/v1/meetings", json=meeting(start="2027-06-14T10:00", end="2027-06-14T12:00"), headers=mission
    ).json
    rejected = client.post(
        f"/api/v1/meetings/{request['id']}/reject", json={"reason": "The room is closed"}, headers=officer
    )
    assert rejected.status_code == 200, rejected.json
    assert sent(app) == 1
    [message] = smtp.mailbox.to(BEL)
    assert "The room is closed" in message.get_body(("plain",)).get_content()
    assert not [part for part in message.walk() if part.get_content_type() == "text/calendar"]


def test_with_the_server_down_every_message_arrives_once_it_is_back(app, client, officer, admin, mission, smtp, clock):
    set_addresses(client, mission, "BEL", BEL)
    smtp.stop()
    # A burst: eight closed meetings Belgium is invited to, one of them changed three times.
    booked = [
        closed_for_belgium(client, officer, f"2027-06-{14 + n:02d}", title=f"Consultations {n}") for n in range(8)
    ]
    assert sent(app) == 0  # nothing reached a server
    for title in ("Consultations 0 (moved)", "Consultations 0 (moved again)", "Consultations 0 (final)"):
        client.patch(f"/api/v1/meetings/{booked[0]['id']}", json={"title": title}, headers=officer)
    # The first try found no server: the batch stopped there, the others wait untried.
    waiting = client.get("/api/v1/outbox?status=queued", headers=officer).json
    assert len(waiting) == 8 and [m["attempts"] for m in waiting].count(1) == 1
    assert "ConnectionRefusedError" in next(m["last_error"] for m in waiting if m["attempts"] == 1)
    clock.advance(600)  # ten minutes down: still down
    assert sent(app) == 0
    smtp.start()
    clock.advance(600)
    assert sent(app) == 8
    assert sent(app) == 0  # nothing twice
    ids = [d.message["Message-ID"] for d in smtp.mailbox.deliveries]
    assert len(ids) == len(set(ids)) == 8
    titles = sorted(subject(d.message).split(": ", 1)[1] for d in smtp.mailbox.deliveries)
    assert titles == ["Consultations 0 (final)", *(f"Consultations {n}" for n in range(1, 8))]
    assert {m["status"] for m in client.get("/api/v1/outbox", headers=admin).json} == {"sent"}


def test_without_a_mail_server_each_message_is_an_eml_file(app, client, officer, mission):
    set_addresses(client, mission, "BEL", BEL)
    created = closed_for_belgium(client, officer)
    assert sent(app) == 1
    [path] = Path(app.config["MAIL_DIR"]).glob("*.eml")
    try:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert message["To"] == BEL and subject(message) == f"Meeting booked / Réunion inscrite: {created['title']}"
        assert calendar_part(message).get_param("method") == "REQUEST"
    finally:
        path.unlink()


def mission_may_see(client, headers, meeting_id) -> bool:
    return client.get(f"/api/v1/meetings/{meeting_id}", headers=headers).status_code == 200


def test_no_message_reaches_a_mission_that_may_not_see_the_meeting(app, client, officer, admin, mission, france, clock):
    """Every kind of message, over meetings of every visibility: each delivery's reader may see its meeting,
    and no message to a mission holds what only staff see."""
    assert client.patch("/api/v1/venues/UNHQ", json={"desk_email": DESK}, headers=admin).status_code == 200
    set_addresses(client, mission, "BEL", BEL, daily_programme=True)
    set_addresses(client, france, "FRA", FRA, daily_programme=True)
    secret = "INTERNAL-NOTE-7781"
    headers_of = {"BEL": mission, "FRA": france}
    day = "2027-06-15"
    # Booked, changed, postponed and cancelled: closed with Belgium invited, missions-only, public.
    closed = book(
        client,
        officer,
        title="Closed consultations",
        visibility="closed",
        invited_missions=["BEL"],
        notes=secret,
        start=f"{day}T10:00",
        end=f"{day}T12:00",
        organizers=["Permanent Mission of Belgium"],
    )
    for_missions = book(
        client,
        officer,
        title="Briefing to missions",
        room="CR-1",
        visibility="missions",
        notes=secret,
        start=f"{day}T10:00",
        end=f"{day}T12:00",
        organizers=["organizer@example.org"],  # not a mission: told of public meetings only
    )
    public = book(
        client,
        officer,
        title="Public briefing",
        room="CR-2",
        visibility="public",
        notes=secret,
        start=f"{day}T15:00",
        end=f"{day}T17:00",
        organizers=["organizer@example.org"],
    )
    sent(app)  # each step goes out before the next: every kind of message is sent
    for created in (closed, for_missions, public):
        client.patch(
            f"/api/v1/meetings/{created['id']}", json={"title": created["title"] + " (revised)"}, headers=officer
        )
    sent(app)
    client.post(f"/api/v1/meetings/{closed['id']}/postpone", json={"reason": "Later"}, headers=officer)
    client.post(f"/api/v1/meetings/{public['id']}/cancel", json={"reason": "No quorum"}, headers=officer)
    # Requests: France's approved (closed, only Belgium invited besides), rejected, withdrawn.
    approved = client.post(
        "/api/v1/meetings",
        json=meeting(
            room="CR-3",
            visibility="closed",
            invited_missions=["BEL"],
            start=f"{day}T10:00",
            end=f"{day}T12:00",
            title="France asks",
        ),
        headers=france,
    ).json
    client.post(f"/api/v1/meetings/{approved['id']}/approve", json={}, headers=officer)
    rejected = client.post(
        "/api/v1/meetings",
        json=meeting(
            room="CR-4", visibility="closed", start=f"{day}T10:00", end=f"{day}T12:00", title="France asks again"
        ),
        headers=france,
    ).json
    client.post(f"/api/v1/meetings/{rejected['id']}/reject", json={"reason": "Taken"}, headers=officer)
    withdrawn = client.post(
        "/api/v1/meetings",
        json=meeting(room="CR-5", visibility="closed", start=f"{day}T10:00", end=f"{day}T12:00", title="Belgium asks"),
        headers=mission,
    ).json
    client.post(f"/api/v1/meetings/{withdrawn['id']}/withdraw", json={"reason": "No longer"}, headers=mission)
    # The daily programme of 15 June, sent on the 14th at 18:00 in New York.
    with app.app_context():
        queue_programmes(
            now=__import__("datetime").datetime(2027, 6, 14, 22, 30, tzinfo=__import__("datetime").timezone.utc)
        )
    sent(app)

    outbox = client.get("/api/v1/outbox?page_size=500", headers=admin).json
    kinds = {m["kind"] for m in outbox}
    assert kinds >= {
        "request_received",
        "request_withdrawn",
        "request_approved",
        "request_rejected",
        "booked",
        "changed",
        "postponed",
        "cancelled",
        "programme",
    }, kinds
    for message in outbox:
        assert message["status"] == "sent", message
        if message["mission"] and message["meeting"]:
            assert mission_may_see(client, headers_of[message["mission"]], message["meeting"]), message
    programmes_to_france = []
    for path in Path(app.config["MAIL_DIR"]).glob("*.eml"):
        raw = path.read_bytes()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        if message["To"] in (BEL, FRA, "organizer@example.org"):
            assert secret.encode() not in raw
            text = message.get_body(("plain",)).get_content()
            if message["To"] == FRA:
                assert "Closed consultations" not in text and "Belgium asks" not in text
                if subject(message).startswith("Programme of meetings"):
                    programmes_to_france.append(text)
        path.unlink()
    # One programme (UNHQ's: the venues where France may see nothing send none), with what France may see.
    [programme] = programmes_to_france
    assert "Briefing to missions (revised)" in programme and "France asks" in programme
    # An organizer named by address reads as the public: told of the public meeting only.
    assert {m["meeting"] for m in outbox if m["recipient"] == "organizer@example.org"} == {public["id"]}
    # Only France hears of France's rejection; only the desk of Belgium's withdrawal.
    assert {m["recipient"] for m in outbox if m["kind"] == "request_rejected"} == {FRA}
    assert {m["recipient"] for m in outbox if m["kind"] == "request_withdrawn"} == {DESK}
    # France's programme holds the public and missions-only meetings, not Belgium's closed one.
    assert {m["recipient"] for m in outbox if m["kind"] == "programme"} == {BEL, FRA}


def test_contacts_are_for_staff_and_the_mission_itself(client, officer, mission, france):
    set_addresses(client, mission, "BEL", BEL, "second@mission.example.org")
    assert client.get("/api/v1/missions/BEL", headers=mission).json["emails"] == [BEL, "second@mission.example.org"]
    assert client.get("/api/v1/missions/BEL", headers=officer).json["emails"] == [BEL, "second@mission.example.org"]
    assert "emails" not in client.get("/api/v1/missions/BEL").json
    assert "emails" not in client.get("/api/v1/missions/BEL", headers=france).json
    assert all("emails" not in m for m in client.get("/api/v1/missions").json)
    refused = client.patch("/api/v1/missions/BEL", json={"emails": [FRA]}, headers=france)
    assert refused.status_code == 403
    bad = client.patch("/api/v1/missions/BEL", json={"emails": ["not an address"]}, headers=mission)
    assert bad.status_code == 422 and "emails" in bad.json["errors"]["json"]
    assert client.patch("/api/v1/missions/BEL", json={"name": "Renamed"}, headers=mission).status_code == 422


def test_a_mission_sets_its_addresses_on_its_page_and_staff_see_the_outbox(app, client, officer_token, mission):
    from .test_web import csrf_of, sign_in, text_of

    token = make_token(app, "mission", "Permanent Mission of Belgium", mission="BEL")
    sign_in(client, token)
    home = client.get("/mission")
    typo = client.post("/mission/contacts", data={"csrf_token": csrf_of(home.text), "emails": "bel@mission"})
    assert typo.status_code == 422 and "Not a mail address" in text_of(typo.text)
    saved = client.post(
        "/mission/contacts",
        data={
            "csrf_token": csrf_of(home.text),
            "emails": f"{BEL}\nsecond@mission.example.org",
            "daily_programme": "on",
        },
    )
    assert saved.status_code == 303
    contacts = client.get("/api/v1/missions/BEL", headers=mission).json
    assert (contacts["emails"], contacts["daily_programme"]) == ([BEL, "second@mission.example.org"], True)
    assert BEL in client.get("/mission").text
    client.post("/sign-out", data={"csrf_token": csrf_of(client.get("/mission").text)})

    sign_in(client, officer_token)
    officer = bearer(officer_token)
    closed_for_belgium(client, officer)
    page = client.get("/console/outbox")
    assert page.status_code == 200
    assert f"{BEL} (BEL)" in text_of(page.text) and "queued" in text_of(page.text)


def test_an_address_removed_before_its_message_leaves_gets_nothing(app, client, officer, mission):
    set_addresses(client, mission, "BEL", BEL)
    closed_for_belgium(client, officer)
    set_addresses(client, mission, "BEL", "new@mission.example.org")
    assert sent(app) == 0
    [message] = client.get("/api/v1/outbox", headers=officer).json
    assert (message["recipient"], message["status"]) == (BEL, "dropped")
    assert "no longer one its reader gave" in message["last_error"]


def test_a_mission_that_may_no_longer_see_a_meeting_gets_it_out_of_its_calendar_and_nothing_else(
    app, client, officer, mission, france
):
    set_addresses(client, mission, "BEL", BEL)
    set_addresses(client, france, "FRA", FRA)
    created = book(
        client,
        officer,
        title="Closed consultations",
        visibility="closed",
        invited_missions=["BEL", "FRA"],
        start="2027-06-14T10:00",
        end="2027-06-14T12:00",
    )
    assert sent(app) == 2
    path = f"/api/v1/meetings/{created['id']}"
    assert client.patch(path, json={"invited_missions": ["BEL"]}, headers=officer).status_code == 200
    assert sent(app) == 1
    outbox = client.get("/api/v1/outbox?recipient=" + FRA, headers=officer).json
    assert [m["kind"] for m in outbox] == ["withdrawn_from_view", "booked"]
    raw = _eml_of(app, outbox[0]["message_id"])
    assert b"Closed consultations" not in raw and b"2027" not in raw.split(b"BEGIN:VCALENDAR")[-1]
    cancel = calendar_part(email.message_from_bytes(raw, policy=email.policy.default))
    assert cancel.get_param("method") == "CANCEL" and uid(created).encode() in cancel.get_content().encode()
    # Opened to every mission, then cancelled: Belgium, invited before, still hears of it.
    client.patch(path, json={"visibility": "missions"}, headers=officer)
    client.post(f"{path}/cancel", json={"reason": "No quorum"}, headers=officer)
    sent(app)
    kinds_to_belgium = [m["kind"] for m in client.get("/api/v1/outbox?recipient=" + BEL, headers=officer).json]
    assert kinds_to_belgium[0] == "cancelled", kinds_to_belgium


def _eml_of(app, message_id: str) -> bytes:
    name = "".join(c for c in message_id if c.isalnum() or c in ".@_-")
    return (Path(app.config["MAIL_DIR"]) / f"{name}.eml").read_bytes()


def test_a_meeting_called_off_is_never_sent_to_calendars_as_a_request(app, client, officer, mission):
    set_addresses(client, mission, "BEL", BEL)
    created = closed_for_belgium(client, officer)
    path = f"/api/v1/meetings/{created['id']}"
    sent(app)
    client.post(f"{path}/postpone", json={"reason": "Later"}, headers=officer)
    sent(app)
    client.patch(path, json={"title": "Renamed while postponed"}, headers=officer)
    sent(app)
    methods = [
        calendar_part(email.message_from_bytes(_eml_of(app, m["message_id"]), policy=email.policy.default)).get_param(
            "method"
        )
        for m in reversed(client.get("/api/v1/outbox", headers=officer).json)
    ]
    assert methods == ["REQUEST", "CANCEL", "CANCEL"]


def test_a_claim_that_ran_out_is_another_workers_and_the_first_sends_nothing(
    app, client, officer, mission, smtp, clock
):
    from scheduler.extensions import mail as mailer
    from scheduler.notifications import sending

    set_addresses(client, mission, "BEL", BEL)
    closed_for_belgium(client, officer)
    with app.app_context():
        [first] = sending._claim(sending.utcnow(), "worker-a")
        clock.advance(sending.CLAIM.total_seconds() + 1)  # worker A hung past its claim
        assert sending._claim(sending.utcnow(), "worker-b") == [first]
        assert sending._send_one(mailer.get_connection(), first, "worker-a") == "lost"
        assert sending._send_one(mailer.get_connection(), first, "worker-b") == "sent"
    assert len(smtp.mailbox.deliveries) == 1


def test_a_message_that_cannot_be_made_is_failed_and_the_others_go(app, client, officer, mission, monkeypatch):
    from scheduler.notifications import sending

    set_addresses(client, mission, "BEL", BEL)
    for day in ("14", "15", "16"):
        closed_for_belgium(client, officer, f"2027-06-{day}")
    made = sending.compose

    def compose(message):
        if message.id == 2:
            raise ValueError("a template error")
        return made(message)

    monkeypatch.setattr(sending, "compose", compose)
    assert sent(app) == 2
    statuses = {m["id"]: (m["status"], m["last_error"]) for m in client.get("/api/v1/outbox", headers=officer).json}
    assert statuses[2] == ("failed", "not made: a template error") and statuses[1][0] == statuses[3][0] == "sent"


def test_a_renamed_room_tells_those_told_of_its_meetings(app, client, officer, mission):
    set_addresses(client, mission, "BEL", BEL)
    created = closed_for_belgium(client, officer, room="CR-1")
    book(client, officer, room="CR-1", start="2027-06-15T10:00", end="2027-06-15T12:00")  # nobody told of it
    sent(app)
    assert client.patch("/api/v1/rooms/CR-1", json={"name": "Conference Room One"}, headers=officer).status_code == 200
    assert sent(app) == 1
    [latest, _] = client.get("/api/v1/outbox", headers=officer).json
    assert (latest["kind"], latest["meeting"], latest["recipient"]) == ("changed", created["id"], BEL)
    part = calendar_part(email.message_from_bytes(_eml_of(app, latest["message_id"]), policy=email.policy.default))
    for reader, events in read_everywhere(part.get_content().encode()).items():
        assert events[uid(created)]["location"].startswith("Conference Room One"), reader
