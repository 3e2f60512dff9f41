"""Editor accounts: the ``editors`` table, password hashing, API tokens and roles.

- Passwords: ``hashlib.scrypt`` (memory-hard) with a random 16-byte salt per password. The stored
  string carries its parameters (``scrypt$N$r$p$salt$hash``), so they can be raised later without
  breaking old hashes. Defaults follow OWASP's minimum for scrypt: N=2**17, r=8, p=1 (128 MiB,
  about half a second here); at most :data:`KDF_SLOTS` computations run at once, which bounds
  the memory a burst of logins can take.
- API tokens: 32 random bytes (``fdr_`` + URL-safe base64), shown once; only their SHA-256 is
  stored. Rotating replaces the hash, so the old token stops working at once.
- Roles: ``editor`` may publish notices up to ``warning``; ``severe`` and ``critical`` need
  ``publisher`` (:func:`authorize`).
- Sessions of the web form carry the editor's ``session_gen``; logging out bumps it, which ends
  every session of that editor (see :mod:`feeder.editors.sessions`).

Account changes go to the audit log, next to the notices' changes (with ``item_id`` NULL).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime

from ..errors import AuthError, InputError, NotFoundError
from ..ladder import Level
from ..model import Item
from ..store import Store
from ..timeutil import iso_z, parse_iso

ROLES = ("editor", "publisher")
EDITOR_MAX_LEVEL = Level.WARNING
"""The highest level a plain ``editor`` may publish; above it needs ``publisher``."""

SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
MAX_N = 2**20
"""Stored hashes asking for more than this are refused (a tampered row must not eat the RAM)."""
KDF_SLOTS = 2
_kdf_slots = threading.BoundedSemaphore(KDF_SLOTS)

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
MAX_NAME = 64
NAME_RE = re.compile(r"^[\w.@+-]+$")
TOKEN_PREFIX = "fdr_"
TOKEN_BYTES = 32


class RoleError(AuthError):
    """The editor's role may not make this change (HTTP 403; the field at fault is ``level``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status=403)


@dataclass(frozen=True, slots=True)
class Editor:
    id: int
    name: str
    role: str
    has_password: bool
    session_gen: int
    created: datetime
    token_created: datetime | None

    @property
    def max_level(self) -> Level:
        return Level.CRITICAL if self.role == "publisher" else EDITOR_MAX_LEVEL


# ----------------------------------------------------------------------------- passwords


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    maxmem = 128 * r * (n + p + 2) + 1024 * 1024
    with _kdf_slots:
        return hashlib.scrypt(
            password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=dklen
        )


def hash_password(password: str, *, n: int | None = None) -> str:
    """``scrypt$N$r$p$salt$key`` (salt and key base64) for a new, random salt."""
    n = n or SCRYPT_N
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, n, SCRYPT_R, SCRYPT_P, KEY_BYTES)
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches the stored hash (constant-time compare); False if unreadable."""
    try:
        kind, n_s, r_s, p_s, salt_s, key_s = encoded.split("$")
        n, r, p = int(n_s), int(r_s), int(p_s)
        salt = base64.b64decode(salt_s, validate=True)
        key = base64.b64decode(key_s, validate=True)
    except (ValueError, binascii.Error):
        return False
    if kind != "scrypt" or not (1 < n <= MAX_N) or n & (n - 1) or not (0 < r <= 32 and 0 < p <= 4):
        return False
    if not 16 <= len(key) <= 64:
        return False
    try:
        candidate = _scrypt(password, salt, n, r, p, len(key))
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(candidate, key)


_dummy_hash: str | None = None


def _burn_time(password: str) -> None:
    """Spend what a real check costs, so that an unknown name answers no faster than a known one."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password(secrets.token_urlsafe(16))
    verify_password(password, _dummy_hash)


# ----------------------------------------------------------------------------- tokens


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------- validation


def check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InputError("must not be empty", "name")
    if len(name) > MAX_NAME:
        raise InputError(f"is {len(name)} characters; at most {MAX_NAME}", "name")
    if not NAME_RE.match(name):
        raise InputError(
            "may hold letters, digits and . _ @ + - only (no spaces)", "name"
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"is too short: at least {MIN_PASSWORD} characters", "password")
    if len(password) > MAX_PASSWORD:
        raise InputError(f"is too long: at most {MAX_PASSWORD} characters", "password")
    return password


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"must be one of {', '.join(ROLES)}, got {role!r}", "role")
    return role


# ----------------------------------------------------------------------------- the table


def _editor(row: sqlite3.Row) -> Editor:
    return Editor(
        id=row["id"],
        name=row["name"],
        role=row["role"],
        has_password=row["password_hash"] is not None,
        session_gen=row["session_gen"],
        created=parse_iso(row["created"]),
        token_created=parse_iso(row["token_created"]) if row["token_created"] else None,
    )


def list_editors(store: Store) -> list[Editor]:
    return [_editor(r) for r in store._read("SELECT * FROM editors ORDER BY name")]


def count(store: Store) -> int:
    return int(store._read("SELECT count(*) FROM editors")[0][0])


def find(store: Store, name: str) -> Editor | None:
    rows = store._read("SELECT * FROM editors WHERE name = ?", (name.strip(),))
    return _editor(rows[0]) if rows else None


def get(store: Store, name: str) -> Editor:
    editor = find(store, name)
    if editor is None:
        raise NotFoundError(f"no editor named {name!r}")
    return editor


def by_id(store: Store, editor_id: int) -> Editor | None:
    rows = store._read("SELECT * FROM editors WHERE id = ?", (editor_id,))
    return _editor(rows[0]) if rows else None


def by_token(store: Store, token: str) -> Editor | None:
    """The editor holding this API token now (a rotated or removed one holds none)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    rows = store._read("SELECT * FROM editors WHERE token_hash = ?", (token_digest(token),))
    return _editor(rows[0]) if rows else None


def login(store: Store, name: str, password: str) -> Editor | None:
    """The editor if name and password match, else None (in about the same time either way)."""
    if len(password) > MAX_PASSWORD or len(name) > MAX_NAME:
        return None
    rows = store._read("SELECT * FROM editors WHERE name = ?", (name.strip(),))
    if not rows or rows[0]["password_hash"] is None:
        _burn_time(password)
        return None
    if not verify_password(password, rows[0]["password_hash"]):
        return None
    return _editor(rows[0])


def add(
    store: Store,
    name: str,
    *,
    role: str = "editor",
    password: str | None = None,
    actor: str,
    now: datetime,
) -> tuple[Editor, str]:
    """Create an editor; returns it and its API token (the only time the token is seen)."""
    name = check_name(name)
    role = check_role(role)
    pw_hash = hash_password(check_password(password)) if password is not None else None
    token = new_token()
    with store._write() as db:
        if db.execute("SELECT 1 FROM editors WHERE name = ?", (name,)).fetchone():
            raise InputError(f"an editor named {name!r} exists already", "name", status=409)
        db.execute(
            "INSERT INTO editors (name, role, password_hash, token_hash, created, token_created)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (name, role, pw_hash, token_digest(token), iso_z(now), iso_z(now)),
        )
        Store._audit(db, actor, "editor-add", None, None,
                     {"editor": name, "role": role, "password": pw_hash is not None}, now)
    return get(store, name), token


def remove(store: Store, name: str, *, actor: str, now: datetime) -> None:
    """Delete an editor: their token and sessions stop working at once. Their audit entries stay."""
    editor = get(store, name)
    with store._write() as db:
        db.execute("DELETE FROM editors WHERE id = ?", (editor.id,))
        Store._audit(db, actor, "editor-remove", None,
                     {"editor": editor.name, "role": editor.role}, None, now)


def rotate_token(store: Store, name: str, *, actor: str, now: datetime) -> str:
    """A new API token for the editor; the old one stops working."""
    editor = get(store, name)
    token = new_token()
    with store._write() as db:
        db.execute(
            "UPDATE editors SET token_hash = ?, token_created = ? WHERE id = ?",
            (token_digest(token), iso_z(now), editor.id),
        )
        Store._audit(db, actor, "editor-token", None, None, {"editor": editor.name}, now)
    return token


def set_password(store: Store, name: str, password: str, *, actor: str, now: datetime) -> None:
    """Set (or replace) an editor's password; their open sessions end."""
    editor = get(store, name)
    pw_hash = hash_password(check_password(password))
    with store._write() as db:
        db.execute(
            "UPDATE editors SET password_hash = ?, session_gen = session_gen + 1 WHERE id = ?",
            (pw_hash, editor.id),
        )
        Store._audit(db, actor, "editor-password", None, None, {"editor": editor.name}, now)


def end_sessions(store: Store, editor_id: int) -> None:
    """Invalidate every web session of the editor (logging out)."""
    with store._write() as db:
        db.execute("UPDATE editors SET session_gen = session_gen + 1 WHERE id = ?", (editor_id,))


# ----------------------------------------------------------------------------- roles


def _published_level(item: Item | None) -> Level | None:
    """The level at which ``item`` is (or would be) public; None for drafts, withdrawn ones."""
    if item is None or item.status != "published" or item.withdrawn:
        return None
    return item.level


def authorize(editor: Editor, before: Item | None, after: Item | None) -> None:
    """Raise :class:`AuthError` (403) unless the editor's role allows changing ``before`` into
    ``after`` (either may be None). A plain editor may neither publish a notice above
    ``warning`` nor change or withdraw one that is published above it; drafts at any level are
    allowed (a publisher publishes them)."""
    for item in (before, after):
        level = _published_level(item)
        if level is not None and level > editor.max_level:
            raise RoleError(
                f"role {editor.role!r} may publish notices up to {editor.max_level.label};"
                f" {level.label} needs role 'publisher'"
            )
