"""Swagger UI for the API's documentation at /api/v1/docs/, from the pinned flask-swagger-ui package (Swagger UI 5,
which reads OpenAPI 3.1): page and files are served by the service itself, never a CDN, so delegations on closed
networks see it too."""

from flask_swagger_ui import get_swaggerui_blueprint

DOCS_URL = "/api/v1/docs"
# Like the other pages': nothing from elsewhere, no framing. The package's page starts Swagger UI with an inline
# script and styles, which 'unsafe-inline' lets run; no text a client sent is ever written into it.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)

blp = get_swaggerui_blueprint(DOCS_URL, "/api/v1/openapi.json", config={"app_name": "Scheduler API"})


@blp.after_request
def protect(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response
