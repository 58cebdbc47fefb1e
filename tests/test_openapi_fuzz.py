"""Schemathesis over the whole OpenAPI document, on SQLite and on PostgreSQL.

One test per operation of /api/v1/openapi.json and per database (the `app` fixture), each
sending an officer's Bearer token on every request. Every response is checked: no 5xx,
status code, content type, headers and body as documented. Per operation the cases come
from three phases: the documented examples, coverage (boundary and invalid values, other
methods) and fuzzing (random, bounded by MAX_EXAMPLES).

To reach the handlers and not only the "not found" paths, the database holds the seeded
venue and rooms plus a process, meetings and a block (`known_data`), and the generator
draws path, query and body values from dictionaries of those real codes, ids and times
(including the New York DST gap and fold) about half of the time.

Data made by one case stays for the next cases of the same operation (the database is
put back between tests, not between cases); that is on purpose: a cancelled meeting, a
second booking of a held room, a room made inactive are states worth reaching.

`test_api_statefully` then runs scenarios: chains of calls where each step takes an id, a
code or a slug from an earlier response (the document's links, which schemathesis infers),
each scenario starting from the same data, every response checked the same way.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from scheduler import create_app

from .database_state import DatabaseState
from .helpers import FIRST_INFORMAL_MEETING, TRAFFICKING_PROCESS, meeting

MAX_EXAMPLES = 100  # fuzzing cases per operation and database; the other phases add their own

ROOMS = ["ECOSOC", "CR-4", "GA-HALL"]
MEETING_IDS = [1, 2, 3]  # made by `known_data`, in that order (every test's ids start where seeding left them)
BLOCK_IDS = [1]
PROCESS = TRAFFICKING_PROCESS["slug"]
MOMENTS = [
    "2017-06-16T10:00",
    "2017-06-16T12:00",
    "2017-06-19T11:00",
    "2017-06-19T15:00",
    "2017-06-16T14:00:00Z",
    "2017-06-16T10:00:00-04:00",
    "2017-03-12T02:30",  # does not exist in New York (clocks go forward)
    "2017-11-05T01:30",  # happens twice in New York (clocks go back)
    "2017-06-17T10:00",  # a Saturday
    "0001-01-01T00:00+01:00",
    "9999-12-31T23:00-05:00",
    "9999-12-31T23:59",  # overflowed in UTC (fixed)
]
DATES = ["2017-06-16", "2017-06-19", "2017-03-12", "2017-11-05", "0001-01-01", "9999-12-31"]
SLOTS = ["morning", "afternoon"]


def _dictionary(name, probability=0.5):
    return {"dictionary": name, "probability": probability}


CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": MAX_EXAMPLES},
        "checks": {
            # Expects 2xx for every schema-valid request; this API also answers those with 404, 409 and 422
            # for what a schema cannot say (a venue that does not exist, start/end and date/slot both given).
            "positive_data_acceptance": {"enabled": False},
        },
        "dictionaries": {
            "rooms": {"values": ROOMS},
            "codes": {"values": ["UNHQ", *ROOMS]},
            "venues": {"values": ["UNHQ"]},
            "processes": {"values": [PROCESS]},
            "bodies": {"values": ["General Assembly", "general-assembly"]},
            "meeting_ids": {"values": MEETING_IDS},
            "block_ids": {"values": BLOCK_IDS},
            "moments": {"values": MOMENTS},
            "dates": {"values": DATES},
            "slots": {"values": SLOTS},
            "zones": {"values": ["America/New_York", "Europe/Zurich", "Africa/Nairobi"]},
        },
        "parameters": {
            "path.code": _dictionary("codes"),
            "path.slug": _dictionary("processes"),
            "path.meeting_id": _dictionary("meeting_ids"),
            "path.block_id": _dictionary("block_ids"),
            "query.room": _dictionary("rooms"),
            "query.venue": _dictionary("venues"),
            "query.process": _dictionary("processes"),
            "query.body": _dictionary("bodies"),
            "query.from": _dictionary("moments"),
            "query.to": _dictionary("moments"),
            "body.room": _dictionary("rooms"),
            "body.venue": _dictionary("venues"),
            "body.process": _dictionary("processes"),
            "body.start": _dictionary("moments"),
            "body.end": _dictionary("moments"),
            "body.date": _dictionary("dates"),
            "body.slot": _dictionary("slots"),
            "body.timezone": _dictionary("zones"),
        },
    }
)

# The document does not depend on the database: read it from an app on an in-memory SQLite.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}), config=CONFIG
)


BOOKINGS = ("POST /api/v1/meetings", "POST /api/v1/meetings/check")


_TIME_FORMS = st.one_of(
    st.none(),  # the time as generated
    st.fixed_dictionaries({"start": st.sampled_from(MOMENTS), "end": st.sampled_from(MOMENTS)}),
    st.fixed_dictionaries({"date": st.sampled_from(DATES), "slot": st.sampled_from(SLOTS)}),
)


@schema.hook
def flatmap_case(context, case):
    """Let valid bookings reach the booking rules, not only the schema's refusals.

    The document cannot say "start and end, or date and slot", so most schema-valid bookings
    are refused with 422 before the service is called. Two thirds of the positive cases get
    one complete way of giving the time (generated values kept, missing ones drawn from the
    dictionaries). Negative cases are left as they are.
    """
    if not (
        case.operation.label in BOOKINGS
        and case.meta is not None
        and case.meta.generation.mode == schemathesis.GenerationMode.POSITIVE
        and isinstance(case.body, dict)
    ):
        return st.just(case)

    def with_time(form):
        if form is not None:
            body = {k: v for k, v in case.body.items() if k not in ("start", "end", "date", "slot")}
            case.body = {**body, **{k: case.body.get(k, v) for k, v in form.items()}}
        return case

    return _TIME_FORMS.map(with_time)


@pytest.fixture
def known_data(client, officer):
    """What the dictionaries above name, beyond the seeded venue and rooms."""
    assert client.post("/api/v1/processes", json=TRAFFICKING_PROCESS, headers=officer).status_code == 201
    made = [
        client.post("/api/v1/meetings", json=FIRST_INFORMAL_MEETING, headers=officer).json,
        client.post("/api/v1/meetings", json=meeting(), headers=officer).json,
        client.post(
            "/api/v1/meetings", json=meeting(room="CR-4", status="tentative", visibility="missions"), headers=officer
        ).json,
    ]
    assert [m.get("id") for m in made] == MEETING_IDS, made
    block = client.post(
        "/api/v1/rooms/CR-4/blocks",
        headers=officer,
        json={"start": "2017-06-20T08:00", "end": "2017-06-20T20:00", "reason": "Maintenance"},
    ).json
    assert [block.get("id")] == BLOCK_IDS, block


@pytest.mark.slow
@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # the fixtures are meant to be shared
def test_api(case, app, officer, known_data):
    case.call_and_validate(app=app, headers=officer)


# Stateful phase: scenarios of up to STATEFUL_STEPS calls, each step following a link from an earlier
# response (POST /meetings 201 -> GET, PATCH, /cancel, /history of that id; POST /processes 201 -> GET
# /processes/{slug}; ...). Schemathesis infers the links from the response schemas and path parameters.
STATEFUL_SCENARIOS = 150
STATEFUL_STEPS = 10
# Links the scenarios must be able to follow: were inference to stop finding them, the test would quietly
# fall back to unrelated calls.
EXPECTED_LINKS = [
    ("POST /api/v1/meetings", "201", "GET /api/v1/meetings/{meeting_id}"),
    ("POST /api/v1/meetings", "201", "PATCH /api/v1/meetings/{meeting_id}"),
    ("POST /api/v1/meetings", "201", "POST /api/v1/meetings/{meeting_id}/cancel"),
    ("POST /api/v1/meetings", "201", "GET /api/v1/meetings/{meeting_id}/history"),
    ("POST /api/v1/processes", "201", "GET /api/v1/processes/{slug}"),
]


def _links(document: dict) -> set[tuple[str, str, str]]:
    """(source operation, status, target operation) of every link the document holds, written or inferred."""
    found = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":  # shared by the path's operations, not an operation
                continue
            for status, response in operation.get("responses", {}).items():
                for link in response.get("links", {}).values():
                    reference = link.get("operationRef", "").removeprefix("#/paths/")
                    target_path, _, target_method = reference.rpartition("/")
                    target = target_path.replace("~1", "/").replace("~0", "~")  # JSON pointer escapes
                    found.add((f"{method.upper()} {path}", status, f"{target_method.upper()} {target}"))
    return found


# Built at import, as it adds the inferred links to schema.raw_schema: every test here sees one document.
Workflow = schema.as_state_machine()


def test_the_document_links_bookings_to_what_follows_them():
    assert set(EXPECTED_LINKS) <= _links(schema.raw_schema), sorted(_links(schema.raw_schema))


@pytest.mark.slow
@pytest.mark.committed  # 150 restores in one transaction would pile up dead rows PostgreSQL cannot clear
def test_api_statefully(app, admin, known_data):
    """Scenarios as an admin, who may call every operation but a mission's (withdraw a request)."""
    known_state = DatabaseState(app)

    class AdminWorkflow(Workflow):
        def setup(self):
            # Every scenario starts from the same data: Hypothesis replays a scenario (to check it, to
            # shrink a failure) and needs the replay to meet the responses the first run met.
            with app.app_context():
                known_state.restore()  # milliseconds
            super().setup()

        def get_call_kwargs(self, case):
            return {"app": app, "headers": admin}

    AdminWorkflow.run(
        settings=settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
