"""What an API request's body must be before a schema reads it: JSON (415 otherwise), that Python's
parser takes without failing (400: nested too deeply, a number of thousands of digits), and text that
is Unicode (422 naming the field: a lone UTF-16 surrogate such as "\\ud800" cannot be stored)."""

import json

from flask import request

from .errors import FieldErrors, ServiceError, UnsupportedMediaType

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# No body of this API nests deeper than a few levels; Python's parsers (ours here, the schemas' after it)
# recurse, and deep enough nesting ends in RecursionError in one or the other.
MAX_NESTING = 32


class BadRequest(ServiceError):
    status_code = 400


def check_api_body() -> None:
    """A before_request hook for /api/ writes."""
    sends_body = request.content_length or "Transfer-Encoding" in request.headers
    if not (request.path.startswith("/api/") and request.method in WRITE_METHODS and sends_body):
        return
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as JSON, with the header Content-Type: application/json")
    data = request.get_data(cache=True)
    if _nesting(data) > MAX_NESTING:
        raise BadRequest(f"The JSON body is nested too deeply (at most {MAX_NESTING} levels)")
    try:
        body = json.loads(data)
    except ValueError as error:  # invalid JSON is the schemas' to tell; this is Python's digit limit
        if "digits" in str(error):
            raise BadRequest("A number in the JSON body is too long") from error
        return
    where = _lone_surrogate(body, "")
    if where is not None:
        raise FieldErrors({where or "_schema": "Not valid Unicode text (a lone UTF-16 surrogate)"})


def _nesting(data: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest, counted without parsing it (no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            escaped, in_string = (False, True) if escaped else (byte == 0x5C, byte != 0x22)
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _lone_surrogate(value, path: str) -> str | None:
    """The path of the first text holding a lone surrogate (field, field.0, ...), else None."""
    if isinstance(value, str):
        return path if any("\ud800" <= character <= "\udfff" for character in value) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, inner in items:
        if isinstance(key, str) and _lone_surrogate(key, "") is not None:
            return path or "_schema"
        found = _lone_surrogate(inner, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None
