"""Tokens made with the CLI, and what each kind of caller may do and see over HTTP."""

from datetime import datetime, timedelta

import pytest

from scheduler.clock import utcnow

from .conftest import bearer
from .helpers import meeting

NEW_ROOM = {"code": "CR-13", "name": "Conference Room 13", "venue": "UNHQ", "capacity": 40}
PROCESS = {"title": "Revitalization of the work of the General Assembly", "body": "General Assembly"}


def cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def create_token(app, *args) -> tuple[str, str]:
    """Run `tokens create` and return (secret, what it said on stderr)."""
    result = cli(app, "tokens", "create", *args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout  # the secret, alone, so that scripts can capture it
    return lines[0], result.stderr


def token_rows(app) -> list[list[str]]:
    result = cli(app, "tokens", "list")
    assert result.exit_code == 0, result.output
    return [line.split("\t") for line in result.stdout.splitlines()]


def assert_401(response):
    assert response.status_code == 401, response.json
    assert response.json["code"] == 401 and response.json["status"] == "Unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


# --- the CLI ---------------------------------------------------------------------------


def test_created_token_is_printed_once_and_works(app, client):
    secret, said = create_token(app, "--role", "officer", "--name", "Meetings Management Section")
    assert len(secret) >= 40 and " " not in secret
    assert secret not in said
    assert "Meetings Management Section" in said and "officer" in said

    response = client.post("/api/v1/rooms", json=NEW_ROOM, headers=bearer(secret))
    assert response.status_code == 201, response.json
    # The scheme is case-insensitive (RFC 9110).
    response = client.post("/api/v1/processes", json=PROCESS, headers={"Authorization": f"bearer {secret}"})
    assert response.status_code == 201, response.json


def test_each_token_is_new(app):
    first, _ = create_token(app, "--role", "viewer", "--name", "Viewer")
    second, _ = create_token(app, "--role", "viewer", "--name", "Viewer")
    assert first != second


def test_list_never_prints_secrets(app):
    assert cli(app, "missions", "create", "BEL", "Permanent Mission of Belgium").exit_code == 0
    officer_secret, _ = create_token(app, "--role", "officer", "--name", "Meetings Management Section")
    mission_secret, _ = create_token(
        app, "--role", "mission", "--name", "Permanent Mission of Belgium", "--mission", "bel"
    )
    result = cli(app, "tokens", "list")
    assert result.exit_code == 0
    assert officer_secret not in result.output and mission_secret not in result.output
    rows = token_rows(app)
    assert [row[:5] for row in rows] == [
        [rows[0][0], "officer", "Meetings Management Section", "", "active"],
        [rows[1][0], "mission", "Permanent Mission of Belgium", "BEL", "active"],
    ]
    assert [row[5] for row in rows] == ["", ""]  # no expiry
    assert int(rows[0][0]) < int(rows[1][0])


def test_revoked_token_is_refused(app, client):
    secret, _ = create_token(app, "--role", "officer", "--name", "Leaving officer")
    headers = bearer(secret)
    assert client.get("/api/v1/meetings", headers=headers).status_code == 200
    [row] = token_rows(app)

    result = cli(app, "tokens", "revoke", row[0])
    assert result.exit_code == 0, result.output
    assert f"token {row[0]} revoked" in result.output
    assert token_rows(app)[0][4] == "revoked"

    assert_401(client.post("/api/v1/rooms", json=NEW_ROOM, headers=headers))
    assert_401(client.get("/api/v1/meetings", headers=headers))
    assert client.get("/api/v1/rooms/CR-13").status_code == 404
    # Revoking again is harmless; the token stays revoked.
    assert cli(app, "tokens", "revoke", row[0]).exit_code == 0
    assert_401(client.post("/api/v1/rooms", json=NEW_ROOM, headers=headers))


def test_revoking_one_token_leaves_the_others(app, client):
    keep, _ = create_token(app, "--role", "officer", "--name", "Keep")
    drop, _ = create_token(app, "--role", "officer", "--name", "Drop")
    drop_id = next(row[0] for row in token_rows(app) if row[2] == "Drop")
    assert cli(app, "tokens", "revoke", drop_id).exit_code == 0
    assert client.post("/api/v1/rooms", json=NEW_ROOM, headers=bearer(keep)).status_code == 201
    assert_401(client.post("/api/v1/processes", json=PROCESS, headers=bearer(drop)))


def test_revoke_unknown_token_is_a_usage_error(app):
    result = cli(app, "tokens", "revoke", "4242")
    assert result.exit_code == 2
    assert "No token 4242" in result.output
    assert cli(app, "tokens", "revoke", "first").exit_code == 2


def test_mission_token_needs_a_mission(app, client):
    result = cli(app, "tokens", "create", "--role", "mission", "--name", "Permanent Mission of Belgium")
    assert result.exit_code == 2
    assert "mission" in result.output.lower()
    assert result.stdout == ""
    assert token_rows(app) == []

    unknown = cli(app, "tokens", "create", "--role", "mission", "--name", "Belgium", "--mission", "BEL")
    assert unknown.exit_code == 2 and "No mission BEL" in unknown.output
    assert cli(app, "missions", "create", "BEL", "Permanent Mission of Belgium").exit_code == 0
    secret, _ = create_token(app, "--role", "mission", "--name", "Permanent Mission of Belgium", "--mission", "BEL")
    assert client.get("/api/v1/meetings", headers=bearer(secret)).status_code == 200


@pytest.mark.parametrize(
    "args, word",
    [
        (["--role", "superuser", "--name", "X"], "role"),
        (["--name", "X"], "role"),
        (["--role", "officer"], "name"),
        (["--role", "officer", "--name", "   "], "name"),
        (["--role", "officer", "--name", "X" * 201], "name"),
        (["--role", "officer", "--name", "X", "--expires-in-days", "0"], "expires-in-days"),
        (["--role", "officer", "--name", "X", "--expires-in-days", "soon"], "expires-in-days"),
    ],
)
def test_bad_token_requests_are_usage_errors(app, args, word):
    result = cli(app, "tokens", "create", *args)
    assert result.exit_code == 2, result.output
    assert word in result.output.lower()
    assert result.stdout == ""
    assert token_rows(app) == []


def test_longest_name_fits_everywhere_it_is_written(app, client):
    # The name ends up, with the role, in the history of meetings and on blocks.
    secret, _ = create_token(app, "--role", "officer", "--name", "N" * 180)
    headers = bearer(secret)
    response = client.post(
        "/api/v1/rooms/ECOSOC/blocks",
        json={"start": "2017-06-19T08:00", "end": "2017-06-19T09:00", "reason": "Cleaning"},
        headers=headers,
    )
    assert response.status_code == 201, response.json
    assert response.json["created_by"] == "N" * 180 + " (officer)"
    booked = client.post("/api/v1/meetings", json=meeting(), headers=headers)
    assert booked.status_code == 201, booked.json
    history = client.get(f"/api/v1/meetings/{booked.json['id']}/history", headers=headers).json
    assert history[0]["actor"] == "N" * 180 + " (officer)"


def test_expiring_token_works_until_it_expires(app, client, monkeypatch):
    secret, _ = create_token(app, "--role", "officer", "--name", "Temporary", "--expires-in-days", "2")
    headers = bearer(secret)
    [row] = token_rows(app)
    assert row[4] == "active"
    expires = datetime.fromisoformat(row[5])
    assert timedelta(days=2) - timedelta(minutes=5) < expires - utcnow() <= timedelta(days=2)
    assert client.post("/api/v1/rooms", json=NEW_ROOM, headers=headers).status_code == 201

    # A day later it still works; three days later it does not, and the list says so.
    import scheduler.accounts.service as accounts

    start = utcnow()
    monkeypatch.setattr(accounts, "utcnow", lambda: start + timedelta(days=1))
    assert client.get("/api/v1/meetings", headers=headers).status_code == 200
    monkeypatch.setattr(accounts, "utcnow", lambda: start + timedelta(days=3))
    assert_401(client.post("/api/v1/processes", json=PROCESS, headers=headers))
    assert_401(client.get("/api/v1/meetings", headers=headers))
    assert token_rows(app)[0][4] == "expired"
    assert client.get("/api/v1/processes").json == []


def test_token_without_expiry_keeps_working(app, client, monkeypatch):
    secret, _ = create_token(app, "--role", "officer", "--name", "Permanent")
    import scheduler.accounts.service as accounts

    start = utcnow()
    monkeypatch.setattr(accounts, "utcnow", lambda: start + timedelta(days=3650))
    assert client.post("/api/v1/rooms", json=NEW_ROOM, headers=bearer(secret)).status_code == 201


# --- credentials over HTTP -------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Bearer    ",
        "Basic dXNlcjpwYXNzd29yZA==",
        "Token abc",
        "abc",
        "Bearer not-a-token",
        "Bearer a b c",
        "Bearerabc",
    ],
)
def test_malformed_or_unknown_credentials_are_401(client, header):
    headers = {"Authorization": header}
    assert_401(client.post("/api/v1/rooms", json=NEW_ROOM, headers=headers))
    assert_401(client.post("/api/v1/meetings", json=meeting(), headers=headers))
    assert_401(client.get("/api/v1/meetings", headers=headers))
    assert_401(client.get("/api/v1/meetings/1", headers=headers))


def test_token_is_matched_exactly(app, client):
    secret, _ = create_token(app, "--role", "officer", "--name", "Officer")
    for wrong in (secret[:-1], secret + "x", secret.upper() if secret.upper() != secret else secret.lower()):
        assert_401(client.post("/api/v1/rooms", json=NEW_ROOM, headers=bearer(wrong)))


def test_no_token_on_writes_is_401(client):
    for method, url, body in [
        ("post", "/api/v1/rooms", NEW_ROOM),
        ("patch", "/api/v1/rooms/ECOSOC", {"capacity": 1}),
        (
            "post",
            "/api/v1/rooms/ECOSOC/blocks",
            {"start": "2017-06-19T08:00", "end": "2017-06-19T09:00", "reason": "x"},
        ),
        ("post", "/api/v1/processes", PROCESS),
        ("post", "/api/v1/meetings", meeting()),
        ("post", "/api/v1/venues", {"code": "UNOG", "name": "Geneva", "timezone": "Europe/Zurich"}),
    ]:
        assert_401(getattr(client, method)(url, json=body))


@pytest.mark.parametrize("role", ["viewer", "mission"])
def test_viewer_and_mission_tokens_may_not_write(client, officer, role, request):
    headers = request.getfixturevalue(role)
    booked = client.post("/api/v1/meetings", json=meeting(), headers=officer).json
    block = {"start": "2017-06-20T08:00", "end": "2017-06-20T09:00", "reason": "Cleaning"}
    for method, url, body in [
        ("post", "/api/v1/rooms", NEW_ROOM),
        ("patch", "/api/v1/rooms/ECOSOC", {"capacity": 1}),
        ("post", "/api/v1/rooms/ECOSOC/blocks", block),
        ("post", "/api/v1/processes", PROCESS),
        ("patch", "/api/v1/venues/UNHQ", {"interpretation_teams": 1}),
        ("patch", f"/api/v1/meetings/{booked['id']}", {"title": "Renamed"}),
        ("post", f"/api/v1/meetings/{booked['id']}/cancel", {"reason": "No"}),
    ]:
        response = getattr(client, method)(url, json=body, headers=headers)
        assert response.status_code == 403, (url, response.json)
        assert response.json["code"] == 403 and response.json["status"] == "Forbidden"
    assert client.get("/api/v1/rooms/ECOSOC").json["capacity"] == 350
    assert client.get(f"/api/v1/meetings/{booked['id']}", headers=officer).json["title"] == "Briefing"
    assert client.get("/api/v1/rooms/ECOSOC/blocks").json == []


def test_viewer_may_not_book(client, viewer):
    response = client.post("/api/v1/meetings", json=meeting(), headers=viewer)
    assert response.status_code == 403
    assert client.get("/api/v1/meetings", headers=viewer).json == []


def test_anonymous_reads_are_allowed(client, officer):
    client.post("/api/v1/processes", json=PROCESS, headers=officer)
    client.post("/api/v1/meetings", json=meeting(), headers=officer)
    for url in (
        "/api/v1/venues",
        "/api/v1/venues/UNHQ",
        "/api/v1/rooms",
        "/api/v1/rooms/ECOSOC",
        "/api/v1/rooms/ECOSOC/blocks",
        "/api/v1/processes",
        "/api/v1/processes/revitalization-of-the-work-of-the-general-assembly",
        "/api/v1/meetings",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert [m["title"] for m in client.get("/api/v1/meetings").json] == ["Briefing"]


# --- who sees which meeting ------------------------------------------------------------


@pytest.fixture
def three_meetings(client, officer) -> dict:
    ids = {}
    for visibility, room in (("public", "CR-1"), ("missions", "CR-2"), ("closed", "CR-3")):
        response = client.post(
            "/api/v1/meetings",
            json=meeting(title=f"A {visibility} meeting", room=room, visibility=visibility),
            headers=officer,
        )
        assert response.status_code == 201, response.json
        ids[visibility] = response.json["id"]
    return ids


@pytest.mark.parametrize(
    "caller, seen",
    [
        ("anonymous", ["public"]),
        ("mission", ["public", "missions"]),
        ("viewer", ["public", "missions", "closed"]),
        ("officer", ["public", "missions", "closed"]),
        ("admin", ["public", "missions", "closed"]),
    ],
)
def test_who_sees_which_meeting(client, three_meetings, request, caller, seen):
    headers = {} if caller == "anonymous" else request.getfixturevalue(caller)
    listing = client.get("/api/v1/meetings", headers=headers)
    assert listing.status_code == 200
    assert [m["visibility"] for m in listing.json] == seen
    assert [m["id"] for m in listing.json] == [three_meetings[v] for v in seen]
    for visibility, meeting_id in three_meetings.items():
        response = client.get(f"/api/v1/meetings/{meeting_id}", headers=headers)
        if visibility in seen:
            assert response.status_code == 200
            assert response.json["title"] == f"A {visibility} meeting"
        else:
            # Not 403: a caller who may not see a meeting does not learn that it exists.
            assert response.status_code == 404
            assert response.json["message"] == f"No meeting {meeting_id}"
            assert client.get(f"/api/v1/meetings/{meeting_id}/history", headers=headers).status_code == 404


def test_anonymous_count_ignores_hidden_meetings(client, three_meetings):
    import json

    response = client.get("/api/v1/meetings?page_size=10")
    assert json.loads(response.headers["X-Pagination"])["total"] == 1


def test_a_hidden_meeting_is_not_named_in_a_conflict(client, officer, admin, three_meetings):
    # Staff see what they collide with.
    response = client.post("/api/v1/meetings", json=meeting(room="CR-3", title="Clash"), headers=admin)
    assert response.status_code == 409
    assert response.json["conflicts"][0]["meeting_id"] == three_meetings["closed"]
    assert response.json["conflicts"][0]["title"] == "A closed meeting"


def test_admins_list_and_revoke_tokens_over_the_api(app, client, admin, officer):
    listing = client.get("/api/v1/tokens", headers=admin)
    assert listing.status_code == 200
    assert [(t["role"], t["state"]) for t in listing.json] == [("admin", "active"), ("officer", "active")]
    assert all(
        set(t) == {"id", "name", "role", "mission", "state", "created_at", "expires_at", "revoked_at"}
        for t in listing.json
    )
    assert client.get("/api/v1/tokens", headers=officer).status_code == 403
    officer_id = listing.json[1]["id"]
    assert client.post(f"/api/v1/tokens/{officer_id}/revoke", headers=officer).status_code == 403
    revoked = client.post(f"/api/v1/tokens/{officer_id}/revoke", headers=admin)
    assert revoked.status_code == 200 and revoked.json["state"] == "revoked"
    assert_401(client.post("/api/v1/rooms", json=NEW_ROOM, headers=officer))
    assert client.post("/api/v1/tokens/999/revoke", headers=admin).status_code == 404
