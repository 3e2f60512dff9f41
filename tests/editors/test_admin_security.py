"""/admin/ and /api/: security headers, no inline code, cross-origin refusal."""

from __future__ import annotations

import logging
import re

import pytest
from starlette.testclient import TestClient

from feeder import notices
from feeder.config import Config
from feeder.store import Store
from tests.editors.support import (
    FORM,
    Editors,
    login,
)

# ------------------------------------------------------------------------------- protection


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)


@pytest.mark.parametrize("path", ["/admin/login", "/admin/", "/admin/new", "/admin/audit"])
def test_pages_carry_the_security_headers_and_no_inline_code(
    client: TestClient, path: str
) -> None:
    login(client)
    r = client.get(path)
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    for attrs in SCRIPT_TAG.findall(r.text):
        assert "src=" in attrs  # no inline script
    assert not re.search(r"\son[a-z]+\s*=", r.text)  # no event handler attributes
    assert "style=" not in r.text and "<style" not in r.text


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/admin/nope"), ("GET", "/api/nope"), ("GET", "/api/notices"),
     ("POST", "/admin/login"), ("GET", "/admin/assets/admin.js")],
)
def test_every_admin_and_api_response_has_the_headers(
    client: TestClient, method: str, path: str
) -> None:
    r = client.request(method, path, data={"x": "y"} if method == "POST" else None)
    assert r.headers["x-frame-options"] == "DENY", r.status_code
    assert "content-security-policy" in r.headers
    assert r.headers["x-content-type-options"] == "nosniff"


def test_the_script_and_style_are_served(client: TestClient) -> None:
    js = client.get("/admin/assets/admin.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert 'getAttribute("data-preview")' in js.text and "fetch(" in js.text
    css = client.get("/admin/assets/admin.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert client.get("/admin/assets/../../config.yaml").status_code == 404
    assert client.get("/admin/assets/banner.js").status_code == 404


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
        {"Origin": "https://evil.example"},
        {"Origin": "http://testserver:8081"},
        {"Origin": "null"},
    ],
)
def test_cross_origin_state_changes_are_refused(
    client: TestClient, store: Store, config: Config, editors: Editors,
    headers: dict[str, str], caplog: pytest.LogCaptureFixture,
) -> None:
    login(client)
    caplog.set_level(logging.WARNING, "feeder.editors")
    pages = [  # a browser: a short Swedish page
        client.post("/admin/new", data=FORM, headers=headers, follow_redirects=False),
        client.post("/admin/logout", headers=headers, follow_redirects=False),
    ]
    for r in pages:
        assert r.status_code == 403, r.text
        assert r.headers["content-type"].startswith("text/html")
        assert "Begäran avvisades: den kom inte från redaktörernas formulär" in r.text
        assert r.headers["x-frame-options"] == "DENY"
    api = [  # an API client: JSON
        client.post("/api/notices", json={"title": "x"}, headers=headers),
        client.post("/api/notices", json={"title": "x"}, headers={**headers,
                                                                  **editors.auth("anna")}),
    ]
    for r in api:
        assert r.status_code == 403, r.text
        assert "cross-origin request refused" in r.json()["error"]
    assert notices.list_notices(store) == []
    assert client.get("/admin/", follow_redirects=False).status_code == 200  # still signed in
    assert "refused cross-origin POST" in caplog.text


@pytest.mark.parametrize(
    "headers",
    [{}, {"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"},
     {"Origin": "http://testserver"},
     {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}],
)
def test_same_origin_state_changes_pass(
    client: TestClient, store: Store, headers: dict[str, str]
) -> None:
    login(client)
    r = client.post("/admin/new", data=FORM, headers=headers, follow_redirects=False)
    assert r.status_code == 303
    assert len(notices.list_notices(store)) == 1


def test_cross_site_reads_are_not_blocked_but_carry_headers(client: TestClient) -> None:
    r = client.get("/admin/login", headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 200 and r.headers["x-frame-options"] == "DENY"


