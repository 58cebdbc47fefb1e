"""Swagger UI for the API's documentation at /api/v1/docs/, from the pinned flask-swagger-ui package (Swagger UI 5,
which reads OpenAPI 3.1): page and files are served by the service itself, never a CDN, so delegations on closed
networks see it too."""

from flask_swagger_ui import get_swaggerui_blueprint

DOCS_URL = "/api/v1/docs"
blp = get_swaggerui_blueprint(DOCS_URL, "/api/v1/openapi.json", config={"app_name": "Scheduler API"})
