"""The web form's session: a signed cookie, no server-side session table.

The value is ``<editor id>.<session gen>.<expires unix>.<nonce>.<mac>`` where ``mac`` is
HMAC-SHA256 over the rest, keyed with a key derived from the secret (``FEEDER_SECRET_KEY`` or
``$CREDENTIALS_DIRECTORY/secret_key``, see :func:`feeder.config.secret_key`). A session is valid
while it is unexpired, its MAC matches, its editor still exists and the editor's ``session_gen``
is unchanged: logging out (or a new password) bumps it, which ends every session of that editor.

The cookie is ``HttpOnly``, ``SameSite=Strict``, ``Path=/``, and ``Secure`` when the request
came over HTTPS (directly, or as ``X-Forwarded-Proto: https`` from a reverse proxy on loopback:
:mod:`feeder.web.proxy` decides, nothing here reads that header).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import HTTPConnection
from starlette.responses import Response

from .. import config as config_mod
from ..errors import ConfigError
from ..model import Editor

if TYPE_CHECKING:
    from ..app import Feeder

COOKIE = "feeder_session"
MAX_AGE = 8 * 3600
"""Seconds a session lasts from login (a working day); then the editor logs in again."""
MIN_KEY_BYTES = 32
_LABEL = b"feeder admin session v1"


def load_key() -> bytes | None:
    """The secret from the environment or the credentials file; ConfigError when too short."""
    secret = config_mod.secret_key()
    if secret is None:
        return None
    if len(secret) < MIN_KEY_BYTES:
        raise ConfigError(
            f"the session key is {len(secret)} bytes; at least {MIN_KEY_BYTES} are needed"
            " (e.g. the output of `openssl rand -hex 32`)",
            "FEEDER_SECRET_KEY",
        )
    return secret


def require_key(feeder: Feeder) -> bytes | None:
    """The session key, or a clear :class:`ConfigError` when editors exist but no key is set.

    Called when the web app is built, so ``feeder run`` stops at start with that message."""
    secret = load_key()
    if secret is None and feeder.has_editors():
        raise ConfigError(
            "editors exist but no session key is set: put at least 32 random bytes in"
            " $FEEDER_SECRET_KEY or in the systemd credential secret_key"
            " ($CREDENTIALS_DIRECTORY/secret_key), e.g. `openssl rand -hex 32`",
            "FEEDER_SECRET_KEY",
        )
    return secret


@dataclass(frozen=True, slots=True)
class Session:
    editor_id: int
    gen: int
    expires: int


class Signer:
    def __init__(self, secret: bytes) -> None:
        self._key = hmac.new(secret, _LABEL, hashlib.sha256).digest()

    def _mac(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def sign(self, editor_id: int, gen: int, now: float) -> str:
        nonce = secrets.token_urlsafe(12)
        payload = f"{editor_id}.{gen}.{int(now) + MAX_AGE}.{nonce}"
        return f"{payload}.{self._mac(payload)}"

    def verify(self, value: str, now: float) -> Session | None:
        if len(value) > 256:
            return None
        payload, _, mac = value.rpartition(".")
        if not payload or not hmac.compare_digest(self._mac(payload), mac):
            return None
        try:
            editor_s, gen_s, expires_s, _nonce = payload.split(".")
            session = Session(int(editor_s), int(gen_s), int(expires_s))
        except ValueError:
            return None
        if session.expires <= now:
            return None
        return session


def is_https(conn: HTTPConnection) -> bool:
    """Whether the browser's request came over HTTPS: the request's scheme, which
    :mod:`feeder.web.proxy` (the one place that trusts a proxy's headers) sets from
    ``X-Forwarded-Proto`` when, and only when, the proxy is on loopback."""
    return conn.url.scheme == "https"


def current_editor(
    conn: HTTPConnection, signer: Signer | None, feeder: Feeder, now: float
) -> Editor | None:
    """The editor whose valid session cookie came with the request, or None."""
    if signer is None:
        return None
    value = conn.cookies.get(COOKIE)
    if not value:
        return None
    session = signer.verify(value, now)
    if session is None:
        return None
    editor = feeder.editor_by_id(session.editor_id)
    if editor is None or editor.session_gen != session.gen or not editor.has_password:
        return None
    return editor


def set_cookie(response: Response, conn: HTTPConnection, value: str) -> None:
    response.set_cookie(
        COOKIE, value, max_age=MAX_AGE, path="/", secure=is_https(conn), httponly=True,
        samesite="strict",
    )


def clear_cookie(response: Response, conn: HTTPConnection) -> None:
    response.delete_cookie(
        COOKIE, path="/", secure=is_https(conn), httponly=True, samesite="strict"
    )
