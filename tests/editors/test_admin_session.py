"""/admin/: signing in and out, the session cookie, throttling, the session key."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from feeder import notices
from feeder.app import Feeder
from feeder.editors import sessions
from feeder.errors import ConfigError
from feeder.store import Store
from tests.editors.support import (
    FORM,
    PASSWORDS,
    SECRET,
    Editors,
    login,
    make_app,
)

# ------------------------------------------------------------------------------- sign in/out


@pytest.mark.parametrize("path", ["/admin/", "/admin/new", "/admin/audit", "/admin/notices/x"])
def test_pages_redirect_to_the_login_without_a_session(client: TestClient, path: str) -> None:
    r = client.get(path, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/admin/login"


def test_posts_without_a_session_store_nothing(client: TestClient, store: Store) -> None:
    r = client.post("/admin/new", data=FORM, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin/login"
    assert client.post("/admin/preview", json={"title": "x"}).status_code == 401
    assert notices.list_notices(store) == []


def test_admin_without_slash_redirects(client: TestClient) -> None:
    r = client.get("/admin", follow_redirects=False)
    assert r.status_code in (307, 308) and r.headers["location"].endswith("/admin/")


def test_login_sets_a_signed_httponly_samesite_strict_cookie(client: TestClient) -> None:
    r = client.post("/admin/login", data={"name": "anna", "password": PASSWORDS["anna"]},
                    follow_redirects=False)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{sessions.COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert "Path=/" in cookie
    assert f"Max-Age={sessions.MAX_AGE}" in cookie
    assert "Secure" not in cookie  # plain http: a Secure cookie would never come back
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "Inloggad som" in page.text and "anna" in page.text


def test_the_cookie_is_secure_behind_https(client: TestClient) -> None:
    proxied = TestClient(client.app, base_url="http://testserver", client=("127.0.0.1", 40000))
    r = proxied.post("/admin/login", data={"name": "anna", "password": PASSWORDS["anna"]},
                     headers={"X-Forwarded-Proto": "https"}, follow_redirects=False)
    assert "Secure" in r.headers["set-cookie"]  # from the proxy on loopback
    secure = TestClient(client.app, base_url="https://testserver")
    r = secure.post("/admin/login", data={"name": "anna", "password": PASSWORDS["anna"]},
                    follow_redirects=False)
    assert "Secure" in r.headers["set-cookie"]


def test_x_forwarded_proto_from_elsewhere_is_not_trusted(client: TestClient) -> None:
    """Trusted only from the proxies X-Forwarded-For is trusted from (loopback: web/proxy.py)."""
    remote = TestClient(client.app, base_url="http://testserver", client=("203.0.113.9", 40000))
    r = remote.post("/admin/login", data={"name": "anna", "password": PASSWORDS["anna"]},
                    headers={"X-Forwarded-Proto": "https"}, follow_redirects=False)
    assert r.status_code == 303 and "Secure" not in r.headers["set-cookie"]


@pytest.mark.parametrize(
    ("name", "password"),
    [("anna", "fel-lösenord-1"), ("nobody", "anna-lösenord-1"), ("tore", "vad-som-helst-1"),
     ("anna", ""), ("", "")],
)
def test_a_failed_login_is_401_with_a_swedish_message(
    client: TestClient, name: str, password: str
) -> None:
    r = client.post("/admin/login", data={"name": name, "password": password},
                    follow_redirects=False)
    assert r.status_code == 401
    assert "Fel namn eller lösenord." in r.text
    assert "set-cookie" not in r.headers
    assert client.get("/admin/", follow_redirects=False).status_code == 303


def test_logout_ends_the_session_even_if_the_cookie_is_replayed(client: TestClient) -> None:
    login(client)
    cookie = client.cookies.get(sessions.COOKIE)
    assert cookie
    r = client.post("/admin/logout", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin/login?msg=loggedout"
    assert 'Max-Age=0' in r.headers["set-cookie"] or "expires=" in r.headers["set-cookie"]
    client.cookies.set(sessions.COOKIE, cookie)
    assert client.get("/admin/", follow_redirects=False).status_code == 303
    assert client.get("/api/notices").status_code == 401
    assert "Du är utloggad." in client.get("/admin/login?msg=loggedout").text


def test_a_tampered_or_expired_or_foreign_cookie_is_no_session(
    client: TestClient, feeder: Feeder
) -> None:
    anna = feeder.editor("anna")
    petra = feeder.editor("petra")
    signer = sessions.Signer(SECRET.encode())
    good = signer.sign(anna.id, anna.session_gen, time.time())
    payload, _, mac = good.rpartition(".")
    forged = f"{petra.id}{payload[payload.index('.'):]}.{mac}"
    expired = signer.sign(anna.id, anna.session_gen, time.time() - sessions.MAX_AGE - 1)
    other_key = sessions.Signer(b"another key entirely, 32 bytes long").sign(
        anna.id, anna.session_gen, time.time())
    for value, ok in ((good, True), (forged, False), (expired, False), (other_key, False),
                      ("garbage", False), ("", False)):
        client.cookies.set(sessions.COOKIE, value)
        r = client.get("/admin/", follow_redirects=False)
        assert (r.status_code == 200) is ok, value


def test_a_new_password_ends_open_sessions(client: TestClient, feeder: Feeder) -> None:
    login(client)
    assert client.get("/admin/", follow_redirects=False).status_code == 200
    feeder.set_password("anna", "ett-helt-nytt-lösen", actor="test")
    assert client.get("/admin/", follow_redirects=False).status_code == 303


# ------------------------------------------------------------------------------- throttling


def test_repeated_failed_logins_are_throttled_and_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "feeder.editors")
    for _ in range(10):
        r = client.post("/admin/login", data={"name": "anna", "password": "gissning-123"})
        assert r.status_code == 401
    r = client.post("/admin/login", data={"name": "anna", "password": PASSWORDS["anna"]},
                    follow_redirects=False)
    assert r.status_code == 429  # even the right password, from this address, for now
    assert int(r.headers["retry-after"]) > 0
    assert "För många misslyckade inloggningar" in r.text
    assert "set-cookie" not in r.headers
    assert "failed login as 'anna'" in caplog.text
    assert "throttled authentication from testclient" in caplog.text


def test_repeated_bad_tokens_are_throttled_and_logged(
    client: TestClient, editors: Editors, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "feeder.editors")
    for i in range(10):
        r = client.get("/api/notices", headers={"Authorization": f"Bearer fdr_guess{i}"})
        assert r.status_code == 401
    r = client.get("/api/notices", headers=editors.auth("anna"))
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0
    assert r.json()["field"] is None
    assert "bad API token" in caplog.text
    # a request without credentials is no guess: it is told to authenticate, not to wait
    assert client.get("/api/notices").status_code == 401


# ------------------------------------------------------------------------------- the key


def test_no_key_while_editors_exist_stops_the_app_at_start(
    feeder: Feeder, editors: Editors, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FEEDER_SECRET_KEY")
    with pytest.raises(ConfigError) as err:
        make_app(feeder)
    assert err.value.key == "FEEDER_SECRET_KEY"
    assert "CREDENTIALS_DIRECTORY" in str(err.value)


def test_a_short_key_is_refused(feeder: Feeder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEEDER_SECRET_KEY", "kort")
    with pytest.raises(ConfigError, match="at least 32"):
        make_app(feeder)


def test_the_key_may_come_from_the_credentials_directory(
    feeder: Feeder, editors: Editors, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "secret_key").write_text(SECRET + "\n")
    monkeypatch.delenv("FEEDER_SECRET_KEY")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    with TestClient(make_app(feeder)) as c:
        login(c, "anna")
        assert c.get("/admin/").status_code == 200


def test_without_editors_and_key_the_app_runs_and_login_says_why(
    feeder: Feeder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FEEDER_SECRET_KEY")
    with TestClient(make_app(feeder)) as c:
        r = c.get("/admin/login")
        assert r.status_code == 503
        assert "ingen sessionsnyckel" in r.text
        assert c.post("/admin/login", data={"name": "a", "password": "b"}).status_code == 503
        assert c.get("/healthz").status_code in (200, 503)


