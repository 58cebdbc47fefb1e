"""Processes over HTTP: created by officers, addressed by slug, filtered by body."""

import json

import pytest

from .helpers import TRAFFICKING_PROCESS

TRAFFICKING_OUT = {
    "slug": "trafficking-in-persons-declaration",
    "title": TRAFFICKING_PROCESS["title"],
    "body": "General Assembly",
    "mandate": "A/RES/71/287",
    "facilitators": TRAFFICKING_PROCESS["facilitators"],
    "description": "",
    "body_slug": "general-assembly",
    "feed_url": "http://localhost/feeds/processes/trafficking-in-persons-declaration.ics",
    "webcal_url": "webcal://localhost/feeds/processes/trafficking-in-persons-declaration.ics",
    "body_feed_url": "http://localhost/feeds/bodies/general-assembly.ics",
}


def field_errors(response) -> dict:
    assert response.status_code == 422, response.json
    assert response.json["code"] == 422
    return response.json["errors"]["json"]


def create(client, headers, **data):
    response = client.post("/api/v1/processes", json=data, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [p["slug"] for p in response.json]


# --- creating and reading -------------------------------------------------------------


def test_create_with_explicit_slug_and_get_it(client, officer):
    response = client.post("/api/v1/processes", json=TRAFFICKING_PROCESS, headers=officer)
    assert response.status_code == 201, response.json
    assert response.json == TRAFFICKING_OUT
    response = client.get("/api/v1/processes/trafficking-in-persons-declaration")
    assert response.status_code == 200
    assert response.json == TRAFFICKING_OUT


def test_admin_creates_processes_too(client, admin):
    assert (
        create(client, admin, title="Revitalization of the work of the General Assembly", body="General Assembly")[
            "slug"
        ]
        == "revitalization-of-the-work-of-the-general-assembly"
    )


def test_slug_is_made_from_the_title(client, officer):
    process = create(
        client,
        officer,
        title="Review of the UN Women's Strategic Plan, 2018–2021 (informal)",
        body="Economic and Social Council",
    )
    assert process["slug"] == "review-of-the-un-women-s-strategic-plan-2018-2021-informal"
    assert process["body_slug"] == "economic-and-social-council"
    assert process["mandate"] == "" and process["facilitators"] == [] and process["description"] == ""
    assert client.get(f"/api/v1/processes/{process['slug']}").json == process


def test_slug_from_a_long_title_is_cut_at_a_word(client, officer):
    title = TRAFFICKING_PROCESS["title"] + " and the review of its implementation by Member States"
    process = create(client, officer, title=title, body="General Assembly")
    assert len(process["slug"]) <= 80
    assert process["slug"].startswith("political-declaration-on-the-implementation-of-the-global")
    assert title.lower().replace(" ", "-").startswith(process["slug"])  # whole words only


def test_slug_from_a_title_in_another_script(client, officer):
    process = create(client, officer, title="Déclaration politique sur l'égalité", body="Assemblée générale")
    assert process["slug"] == "declaration-politique-sur-l-egalite"
    assert process["body_slug"] == "assemblee-generale"


def test_title_without_letters_needs_a_slug(client, officer):
    errors = field_errors(
        client.post("/api/v1/processes", json={"title": "???", "body": "General Assembly"}, headers=officer)
    )
    assert list(errors) == ["slug"]
    process = create(client, officer, title="???", body="General Assembly", slug="question-marks")
    assert process["slug"] == "question-marks"


def test_unknown_process_is_404(client, officer):
    response = client.get("/api/v1/processes/no-such-process")
    assert response.status_code == 404
    assert response.json["code"] == 404 and "no-such-process" in response.json["message"]
    response = client.patch("/api/v1/processes/no-such-process", json={"mandate": "x"}, headers=officer)
    assert response.status_code == 404


def test_duplicate_slug_is_409(client, officer):
    create(client, officer, **TRAFFICKING_PROCESS)
    response = client.post("/api/v1/processes", json={**TRAFFICKING_PROCESS, "title": "Another"}, headers=officer)
    assert response.status_code == 409
    assert response.json["code"] == 409 and "trafficking-in-persons-declaration" in response.json["message"]
    assert (
        client.get("/api/v1/processes/trafficking-in-persons-declaration").json["title"] == TRAFFICKING_PROCESS["title"]
    )


def test_same_title_twice_is_409_until_a_slug_is_given(client, officer):
    create(client, officer, title="Informal consultations on the budget", body="Fifth Committee")
    response = client.post(
        "/api/v1/processes",
        json={"title": "Informal consultations on the budget", "body": "Fifth Committee"},
        headers=officer,
    )
    assert response.status_code == 409
    assert "informal-consultations-on-the-budget" in response.json["message"]
    create(
        client,
        officer,
        title="Informal consultations on the budget",
        body="Fifth Committee",
        slug="budget-consultations-2018",
    )
    assert slugs(client.get("/api/v1/processes")) == [
        "budget-consultations-2018",
        "informal-consultations-on-the-budget",
    ]


def test_only_officers_and_admins_create_processes(client, viewer, mission):
    for headers in (viewer, mission):
        response = client.post("/api/v1/processes", json=TRAFFICKING_PROCESS, headers=headers)
        assert response.status_code == 403
        assert response.json["code"] == 403
    response = client.post("/api/v1/processes", json=TRAFFICKING_PROCESS)
    assert response.status_code == 401
    assert "Bearer" in response.headers["WWW-Authenticate"]
    assert client.get("/api/v1/processes").json == []


@pytest.mark.parametrize(
    "change, field",
    [
        ({"slug": "Trafficking"}, "slug"),
        ({"slug": "two  words"}, "slug"),
        ({"slug": "-leading-dash"}, "slug"),
        ({"slug": "trailing-"}, "slug"),
        ({"slug": ""}, "slug"),
        ({"slug": "a" * 101}, "slug"),
        ({"title": ""}, "title"),
        ({"title": "T" * 501}, "title"),
        ({"body": ""}, "body"),
        ({"body": 5}, "body"),
        ({"mandate": "M" * 501}, "mandate"),
        ({"facilitators": {"name": "H.E. Mr. X"}}, "facilitators"),
        ({"facilitators": [{"title": "Permanent Representative"}]}, "facilitators"),
        ({"facilitators": [{"name": "H.E. Mr. X", "email": "x@example.org"}]}, "facilitators"),
        ({"facilitators": [{"name": "H.E. Mr. X"}] * 21}, "facilitators"),
        ({"resolution": "A/RES/71/287"}, "resolution"),
        ({"body_slug": "general-assembly"}, "body_slug"),
    ],
)
def test_invalid_process_is_422_naming_the_field(client, officer, change, field):
    errors = field_errors(client.post("/api/v1/processes", json={**TRAFFICKING_PROCESS, **change}, headers=officer))
    assert list(errors) == [field]
    assert client.get("/api/v1/processes").json == []


def test_longest_explicit_slug_is_accepted(client, officer):
    slug = "-".join(["a" * 9] * 10)[:100].rstrip("-")
    assert create(client, officer, **{**TRAFFICKING_PROCESS, "slug": slug})["slug"] == slug
    assert client.get(f"/api/v1/processes/{slug}").status_code == 200


def test_missing_required_fields_are_named(client, officer):
    errors = field_errors(client.post("/api/v1/processes", json={}, headers=officer))
    assert set(errors) == {"title", "body"}


# --- listing ---------------------------------------------------------------------------


@pytest.fixture
def three_processes(client, officer):
    create(client, officer, **TRAFFICKING_PROCESS)
    create(
        client,
        officer,
        title="Revitalization of the work of the General Assembly",
        body="General Assembly",
        slug="revitalization",
    )
    create(
        client,
        officer,
        title="Humanitarian affairs segment",
        body="Economic and Social Council",
        slug="humanitarian-segment",
    )


def test_list_by_slug(client, three_processes):
    response = client.get("/api/v1/processes")
    assert slugs(response) == ["humanitarian-segment", "revitalization", "trafficking-in-persons-declaration"]
    assert response.json[2] == TRAFFICKING_OUT


@pytest.mark.parametrize("body", ["General Assembly", "general assembly", "general-assembly", "GENERAL-ASSEMBLY"])
def test_filter_by_body_name_or_slug(client, three_processes, body):
    assert slugs(client.get("/api/v1/processes", query_string={"body": body})) == [
        "revitalization",
        "trafficking-in-persons-declaration",
    ]


def test_filter_by_other_body(client, three_processes):
    assert slugs(client.get("/api/v1/processes?body=economic-and-social-council")) == ["humanitarian-segment"]
    assert slugs(client.get("/api/v1/processes?body=Security%20Council")) == []
    assert slugs(client.get("/api/v1/processes?body=General")) == []  # not a prefix search


def test_pagination(client, officer):
    for n in range(1, 8):
        create(client, officer, title=f"Process {n}", body="Sixth Committee")
    first = client.get("/api/v1/processes?page_size=3")
    assert slugs(first) == ["process-1", "process-2", "process-3"]
    assert json.loads(first.headers["X-Pagination"]) == {
        "total": 7,
        "total_pages": 3,
        "first_page": 1,
        "last_page": 3,
        "page": 1,
        "next_page": 2,
    }
    last = client.get("/api/v1/processes?page=3&page_size=3")
    assert slugs(last) == ["process-7"]
    assert json.loads(last.headers["X-Pagination"])["previous_page"] == 2
    filtered = client.get("/api/v1/processes?body=sixth-committee&page=2&page_size=5")
    assert slugs(filtered) == ["process-6", "process-7"]
    assert json.loads(filtered.headers["X-Pagination"])["total"] == 7
    assert client.get("/api/v1/processes?page_size=501").status_code == 422
    assert client.get("/api/v1/processes?page=0").status_code == 422


# --- changing --------------------------------------------------------------------------


def test_patch_changes_only_what_is_given(client, officer):
    create(client, officer, **TRAFFICKING_PROCESS)
    facilitators = [{"name": "H.E. Mr. New Facilitator", "title": "", "mission": "NOR"}]
    response = client.patch(
        "/api/v1/processes/trafficking-in-persons-declaration",
        json={"description": "Second round", "facilitators": facilitators},
        headers=officer,
    )
    assert response.status_code == 200, response.json
    expected = {**TRAFFICKING_OUT, "description": "Second round", "facilitators": facilitators}
    assert response.json == expected
    assert client.get("/api/v1/processes/trafficking-in-persons-declaration").json == expected


def test_patch_body_changes_body_slug_and_the_filter(client, officer):
    create(client, officer, **TRAFFICKING_PROCESS)
    response = client.patch(
        "/api/v1/processes/trafficking-in-persons-declaration", json={"body": "Third Committee"}, headers=officer
    )
    assert response.status_code == 200
    assert (response.json["body"], response.json["body_slug"]) == ("Third Committee", "third-committee")
    assert slugs(client.get("/api/v1/processes?body=third-committee")) == ["trafficking-in-persons-declaration"]
    assert slugs(client.get("/api/v1/processes?body=general-assembly")) == []


def test_meeting_of_a_process_takes_its_body(client, officer):
    create(client, officer, **TRAFFICKING_PROCESS)
    response = client.post(
        "/api/v1/meetings",
        json={
            "title": "First informal meeting",
            "kind": "informal_consultations",
            "room": "ECOSOC",
            "process": "trafficking-in-persons-declaration",
            "start": "2017-06-16T10:00",
            "end": "2017-06-16T12:00",
        },
        headers=officer,
    )
    assert response.status_code == 201, response.json
    assert (response.json["body"], response.json["body_slug"]) == ("General Assembly", "general-assembly")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"slug": "new-slug"}, "slug"),
        ({"title": ""}, "title"),
        ({"body_slug": "x"}, "body_slug"),
        ({"facilitators": [{"title": "Permanent Representative of Norway"}]}, "facilitators"),
        ({"facilitators": [{"name": ""}]}, "facilitators"),
    ],
)
def test_invalid_patch_is_422_and_changes_nothing(client, officer, change, field):
    create(client, officer, **TRAFFICKING_PROCESS)
    errors = field_errors(
        client.patch("/api/v1/processes/trafficking-in-persons-declaration", json=change, headers=officer)
    )
    assert list(errors) == [field]
    assert client.get("/api/v1/processes/trafficking-in-persons-declaration").json == TRAFFICKING_OUT


def test_only_officers_and_admins_change_processes(client, officer, viewer, mission):
    create(client, officer, **TRAFFICKING_PROCESS)
    for headers in (viewer, mission, {}):
        response = client.patch(
            "/api/v1/processes/trafficking-in-persons-declaration", json={"description": "x"}, headers=headers
        )
        assert response.status_code == (401 if not headers else 403)
    assert client.get("/api/v1/processes/trafficking-in-persons-declaration").json == TRAFFICKING_OUT


def test_body_whose_slug_outgrows_its_name_is_stored(client, officer):
    # Transliteration makes each of these 100 characters a word of five letters: the slug is cut to fit.
    body = "中" * 100
    process = create(client, officer, title="Consultations", body=body)
    assert process["body"] == body
    assert process["body_slug"].startswith("zhong-zhong") and len(process["body_slug"]) <= 200
    assert slugs(client.get("/api/v1/processes", query_string={"body": body})) == ["consultations"]
    assert slugs(client.get("/api/v1/processes", query_string={"body": process["body_slug"]})) == ["consultations"]
