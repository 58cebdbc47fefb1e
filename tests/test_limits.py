"""Limits that hold (issue 18): request bodies, list lengths, who may search, input Python cannot take."""

import json

import pytest

from .helpers import meeting


def _arrays(schema: dict, spec: dict, path: str):
    """Every array in a schema (following $ref), with where it is."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if schema.get("type") == "array":
        yield path, schema
        yield from _arrays(schema.get("items", {}), spec, path + "[]")
    for name, inner in schema.get("properties", {}).items():
        if not inner.get("readOnly"):
            yield from _arrays(inner, spec, f"{path}.{name}")


def test_every_list_a_client_sends_is_bounded(client):
    spec = client.get("/api/v1/openapi.json").json
    unbounded = []
    for route, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "patch", "put", "delete"):
                continue
            schemas = [(p["name"], p.get("schema", {})) for p in operation.get("parameters", [])]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            if body:
                schemas.append(("body", body["schema"]))
            for name, schema in schemas:
                for path, array in _arrays(schema, spec, f"{method.upper()} {route} {name}"):
                    if "maxItems" not in array:
                        unbounded.append(path)
    assert unbounded == []


def test_a_body_beyond_the_limit_is_refused_at_once(client, officer, app):
    huge = meeting(description="x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    answer = client.post("/api/v1/meetings", json=huge, headers=officer)
    assert answer.status_code == 413 and answer.json["code"] == 413
    anonymous = client.post(
        "/api/v1/search", data=b"[" * (app.config["MAX_CONTENT_LENGTH"] + 1), content_type="application/json"
    )
    assert anonymous.status_code == 413  # refused on its length, before it is read
    assert client.get("/api/v1/meetings", headers=officer).json == []  # nothing was booked


def test_searching_needs_a_token(client, viewer):
    search = {"duration_minutes": 60, "earliest": "2030-06-19", "latest": "2030-06-19"}
    assert client.post("/api/v1/search", json=search).status_code == 401
    assert client.post("/api/v1/search", json=search, headers=viewer).status_code == 200


@pytest.mark.parametrize("field", ["title", "room", "body", "process", "description", "notes", "organizers"])
def test_a_lone_surrogate_is_a_422_naming_the_field(client, officer, field, caplog):
    value = ["\ud800"] if field == "organizers" else "ab\ud800"
    body = json.dumps(meeting(**{field: value}))  # "\\ud800" on the wire: valid JSON, not valid Unicode
    answer = client.post("/api/v1/meetings", data=body, content_type="application/json", headers=officer)
    assert answer.status_code == 422
    assert list(answer.json["errors"]["json"]) == [field if field != "organizers" else "organizers.0"]
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.levelname == "ERROR"]


def test_an_anonymous_search_with_a_lone_surrogate_is_refused_cleanly(client):
    body = '{"duration_minutes": 60, "earliest": "2030-06-19", "latest": "2030-06-19", "venue": "\\ud800"}'
    assert client.post("/api/v1/search", data=body, content_type="application/json").status_code in (401, 422)


@pytest.mark.parametrize(
    "body, words",
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        *(("[" * depth + "]" * depth, "nested too deeply") for depth in (33, 975, 977, 980)),  # every depth past 32
        ('{"title": ' + '{"a": ' * 976 + "1" + "}" * 977, "nested too deeply"),
        ('{"expected_participants": ' + "9" * 5000 + "}", "too long"),
    ],
)
def test_json_python_cannot_read_is_a_400(client, officer, body, words, caplog):
    answer = client.post("/api/v1/meetings", data=body, content_type="application/json", headers=officer)
    assert answer.status_code == 400 and words in answer.json["message"]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_a_title_of_zero_width_spaces_says_nothing(client, officer):
    for title in ("\u200b\u200b", "\ufeff", " \u200b "):
        answer = client.post("/api/v1/meetings", json=meeting(title=title), headers=officer)
        assert answer.status_code == 422 and answer.json["errors"]["json"]["title"] == ["Give a title"], title


def test_staff_names_stay_with_staff(client, officer, viewer):
    made = client.post("/api/v1/meetings", json=meeting(), headers=officer).json
    client.post(
        "/api/v1/rooms/ECOSOC/blocks",
        json={"start": "2017-06-20T08:00", "end": "2017-06-20T20:00", "reason": "Cleaning"},
        headers=officer,
    )
    for reader, name in (({}, "The Secretariat"), (viewer, "Meetings Management Section (officer)")):
        history = client.get(f"/api/v1/meetings/{made['id']}/history", headers=reader).json
        assert [entry["actor"] for entry in history] == [name]
        [block] = client.get("/api/v1/rooms/ECOSOC/blocks", headers=reader).json
        assert block["created_by"] == name


def test_a_mission_is_not_told_how_many_interpreted_meetings_there_are(client, officer, admin, mission):
    client.patch("/api/v1/venues/UNHQ", json={"interpretation_teams": 1}, headers=admin)
    client.post(
        "/api/v1/meetings",
        json=meeting(
            title="Closed, interpreted",
            visibility="closed",
            languages=["fr"],
            date="2030-06-19",
            slot="morning",
            start=None,
            end=None,
        ),
        headers=officer,
    )
    checked = client.post(
        "/api/v1/meetings/check",
        json=meeting(room="CR-1", languages=["fr"], date="2030-06-19", slot="morning", start=None, end=None),
        headers=mission,
    ).json
    [teams] = [warning for warning in checked["warnings"] if warning["code"] == "interpretation_teams"]
    assert "2 interpreted meetings" not in teams["message"] and "Every interpretation team is taken" in teams["message"]
