"""Every endpoint × every kind of caller: who may call what (status codes, not data).

What each caller may *see* of a meeting is in tests/test_missions.py and tests/test_accounts.py.
"""

import pytest

from .conftest import bearer, make_token
from .helpers import TRAFFICKING_PROCESS, meeting

CALLERS = ("anonymous", "viewer", "mission", "officer", "admin")
ANYONE = set(CALLERS)
STAFF_WRITERS = {"officer", "admin"}


def _endpoints(ids: dict) -> list[tuple[str, str, dict | None, set[str]]]:
    """(method, path, body, callers allowed). Bodies are valid, so an allowed call succeeds."""
    m = ids["meeting"]
    return [
        ("GET", "/api/v1/venues", None, ANYONE),
        ("PATCH", "/api/v1/venues/UNHQ", {"interpretation_teams": 5}, {"admin"}),
        ("POST", "/api/v1/venues", {"code": "VIE", "name": "Vienna", "timezone": "Europe/Vienna"}, {"admin"}),
        ("GET", "/api/v1/rooms", None, ANYONE),
        ("POST", "/api/v1/rooms", {"code": "CR-20", "name": "Room 20", "venue": "UNHQ", "capacity": 20}, STAFF_WRITERS),
        ("PATCH", "/api/v1/rooms/CR-9", {"capacity": 61}, STAFF_WRITERS),
        ("GET", "/api/v1/rooms/CR-9/blocks", None, ANYONE),
        (
            "POST",
            "/api/v1/rooms/CR-9/blocks",
            {"start": "2030-01-02T08:00", "end": "2030-01-02T09:00", "reason": "Cleaning"},
            STAFF_WRITERS,
        ),
        ("GET", "/api/v1/processes", None, ANYONE),
        ("POST", "/api/v1/processes", {"title": "Another process", "body": "General Assembly"}, STAFF_WRITERS),
        ("PATCH", f"/api/v1/processes/{TRAFFICKING_PROCESS['slug']}", {"description": "x"}, STAFF_WRITERS),
        ("GET", "/api/v1/bodies", None, ANYONE),
        ("GET", "/api/v1/missions", None, ANYONE),
        ("POST", "/api/v1/missions", {"code": "NOR", "name": "Norway"}, STAFF_WRITERS),
        ("GET", "/api/v1/meetings", None, ANYONE),
        ("GET", f"/api/v1/meetings/{m}", None, ANYONE),
        ("GET", f"/api/v1/meetings/{m}/history", None, ANYONE),
        (
            "POST",
            "/api/v1/meetings",
            meeting(start="2030-01-07T10:00", end="2030-01-07T11:00"),
            STAFF_WRITERS | {"mission"},
        ),
        (
            "POST",
            "/api/v1/meetings/check",
            meeting(start="2030-01-07T10:00", end="2030-01-07T11:00"),
            STAFF_WRITERS | {"mission"},
        ),
        ("PATCH", f"/api/v1/meetings/{m}", {"description": "Agenda"}, STAFF_WRITERS),
        ("POST", f"/api/v1/meetings/{ids['request']}/approve", {}, STAFF_WRITERS),
        ("POST", f"/api/v1/meetings/{m}/postpone", {"reason": "x"}, STAFF_WRITERS),
        ("POST", f"/api/v1/meetings/{m}/cancel", {"reason": "x"}, STAFF_WRITERS),
        ("GET", "/api/v1/subscriptions", None, {"mission", "admin"}),
        ("POST", "/api/v1/subscriptions", {"name": "Everything"}, {"mission"}),
        ("GET", "/api/v1/tokens", None, {"admin"}),
        ("GET", "/feeds/all.ics", None, ANYONE),
        ("GET", "/feeds/rooms/ECOSOC.vfb", None, ANYONE),
    ]


@pytest.mark.parametrize("caller", CALLERS)
def test_each_caller_may_call_exactly_what_its_role_allows(app, client, officer, caller):
    client.post("/api/v1/processes", json=TRAFFICKING_PROCESS, headers=officer)
    ids = {
        "meeting": client.post(
            "/api/v1/meetings", json=meeting(start="2030-01-03T10:00", end="2030-01-03T12:00"), headers=officer
        ).json["id"]
    }
    asker = bearer(make_token(app, "mission", "Permanent Mission of Qatar", mission="QAT"))
    ids["request"] = client.post(
        "/api/v1/meetings", json=meeting(start="2030-01-04T10:00", end="2030-01-04T12:00"), headers=asker
    ).json["id"]
    headers = (
        {}
        if caller == "anonymous"
        else bearer(make_token(app, caller, f"Matrix {caller}", mission="BEL" if caller == "mission" else None))
    )
    for method, path, body, allowed in _endpoints(ids):
        response = client.open(path, method=method, json=body, headers=headers)
        if caller in allowed:
            assert 200 <= response.status_code < 300, (caller, method, path, response.status_code, response.data[:300])
        else:
            expected = 401 if caller == "anonymous" else 403
            assert response.status_code == expected, (caller, method, path, response.status_code)
            assert response.json["code"] == expected


def test_a_mission_acts_only_on_its_own_requests(app, client, officer, mission):
    other = bearer(make_token(app, "mission", "Permanent Mission of Qatar", mission="QAT"))
    theirs = client.post("/api/v1/meetings", json=meeting(), headers=other).json
    assert client.post(f"/api/v1/meetings/{theirs['id']}/withdraw", json={}, headers=mission).status_code == 404
    assert client.post(f"/api/v1/meetings/{theirs['id']}/withdraw", json={}, headers=other).status_code == 200
