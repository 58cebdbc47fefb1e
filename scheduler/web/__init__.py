"""Web pages over the same services as the API: the Journal, the officer's console, missions' pages.

Server-rendered (Jinja); forms post back with a CSRF token tied to the session.
"""

from flask import g, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, NotFound

from ..errors import HANDLED_ERRORS, error_answer
from ..extensions import csrf
from . import console, journal, mission, series_pages, sign_in  # noqa: F401  (their routes join the blueprint)
from .blueprint import blp
from .session import load_actor

# Pages may load only this site's own styles and scripts, and may not be framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@blp.before_request
def before_page():
    load_actor()
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()


@blp.after_request
def page_headers(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    if not g.get("actor") or not g.actor.is_anonymous:
        response.headers["Cache-Control"] = "no-store"  # what a signed-in person sees is theirs alone
    return response


# Addresses that are not pages: the API, feeds and probes answer errors in their own formats.
NOT_PAGES = ("/api/", "/feeds/", "/healthz", "/readyz", "/metrics")


def _is_page_address() -> bool:
    return request.blueprint == "web" or (request.blueprint is None and not request.path.startswith(NOT_PAGES))


def _page_for_routing_error(error: Exception):
    """An address no route matched (or a method it does not take), outside the API: an HTML page."""
    return _error_page(error) if _is_page_address() else None


def _error_page(error: Exception):
    if isinstance(error, CSRFError):
        body, status, headers = (
            {"message": "The form expired or did not come from this site: go back, reload the page and send it again."},
            400,
            {},
        )
    else:
        body, status, headers = error_answer(error)
    if status == 429:
        body = {"message": "Too many attempts in a short time: wait a minute, then try again."}
    return render_template("error.html", status=status, message=body.get("message", "")), status, headers


for _error_class in (CSRFError, HTTPException, *HANDLED_ERRORS):
    blp.register_error_handler(_error_class, _error_page)


def init_app(app) -> None:
    from .. import limit_writes  # the API's write limits: per signed-in token, else per address
    from ..extensions import api

    limit_writes(blp)
    csrf.init_app(app)
    app.register_blueprint(blp)
    app.extensions["error_page"] = _page_for_routing_error

    @app.errorhandler(NotFound)
    def not_found(error):
        # flask-smorest answers the API's 404s; a page address gets a page.
        return _page_for_routing_error(error) or api.handle_http_exception(error)
