"""Data of the first story (PRODUCT.md), shared by tests."""

TRAFFICKING_PROCESS = {
    "slug": "trafficking-in-persons-declaration",
    "title": "Political declaration on the implementation of the Global Plan of Action to Combat "
    "Trafficking in Persons",
    "body": "General Assembly",
    "mandate": "A/RES/71/287",
    "facilitators": [
        {
            "name": "H.E. Ms. Alya Ahmed Saif Al-Thani",
            "title": "Permanent Representative of the State of Qatar",
            "mission": "QAT",
        },
        {
            "name": "H.E. Mr. Marc Pecsteen de Buytswerve",
            "title": "Permanent Representative of Belgium",
            "mission": "BEL",
        },
    ],
}

FIRST_INFORMAL_MEETING = {
    "title": "First informal meeting",
    "kind": "informal_consultations",
    "process": "trafficking-in-persons-declaration",
    "room": "ECOSOC",
    "start": "2017-06-16T10:00",
    "end": "2017-06-16T12:00",
    "visibility": "missions",
}


def meeting(**overrides) -> dict:
    """A valid booking request for ECOSOC; override what the test is about."""
    data = {
        "title": "Briefing",
        "kind": "briefing",
        "room": "ECOSOC",
        "start": "2017-06-19T10:00",
        "end": "2017-06-19T12:00",
        "visibility": "public",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def book(client, headers, **overrides) -> dict:
    """Book `meeting(**overrides)` and insist on a 201: the JSON of the new meeting."""
    response = client.post("/api/v1/meetings", json=meeting(**overrides), headers=headers)
    assert response.status_code == 201, response.json
    return response.json
