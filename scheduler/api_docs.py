"""Swagger UI for the API's documentation (/api/v1/docs), served from the pinned swagger-ui-bundle
package rather than a CDN: delegations on closed networks see the page too. flask-smorest renders the
page; this blueprint serves the files it loads (OPENAPI_SWAGGER_UI_URL points here)."""

from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

ASSETS_URL = "/api/v1/docs/assets/"
blp = Blueprint("api_docs", __name__, url_prefix=ASSETS_URL.rstrip("/"))


@blp.get("/<path:filename>")
def asset(filename):
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
