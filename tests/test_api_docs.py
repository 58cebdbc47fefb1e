"""/api/v1/docs: Swagger UI from the service's own files, so the page works on a closed network."""

import re


def test_the_api_documentation_page_loads_nothing_from_elsewhere(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200 and "/api/v1/openapi.json" in page.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert {"swagger-ui-bundle.js", "swagger-ui.css"} <= {source.rsplit("/", 1)[-1] for source in sources}
    assert all(source.startswith("/") for source in sources), sources
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200 and asset.data, source
    assert client.get("/api/v1/docs/../../../wsgi.py").status_code == 404


def test_the_documentation_page_has_a_content_security_policy(client):
    policy = client.get("/api/v1/docs/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "http" not in policy
