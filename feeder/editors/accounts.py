"""Editor accounts: password hashing, API tokens, validation and roles. No SQL: the accounts
live in :mod:`feeder.store.editors`, reached through the store's public methods.

- Passwords: ``hashlib.scrypt`` (memory-hard) with a random 16-byte salt per password. The stored
  string carries its parameters (``scrypt$N$r$p$salt$hash``), so they can be raised later without
  breaking old hashes. Defaults follow OWASP's minimum for scrypt: N=2**17, r=8, p=1 (128 MiB,
  about half a second here).
- The hashing work of a sign-in is budgeted for the whole process (:class:`KdfBudget`,
  :data:`BUDGET`): at most :data:`KDF_SLOTS` computations at once (which bounds the memory and
  leaves a CPU to serving), at most :data:`KDF_QUEUE` more waiting for their turn (each at most
  :data:`KDF_WAIT` s), and at most :data:`KDF_PER_MINUTE` in any minute, whatever addresses they
  come from. Beyond that a sign-in is refused at once with :class:`KdfBusy` (HTTP 429 with
  ``Retry-After``), before any hashing: a flood of wrong passwords from many addresses cannot tie
  up the web server's threads or CPU, so the published files, ``/healthz`` and requests with a
  valid API token (a SHA-256, no KDF) stay fast. Hashing a new password (the CLI) waits for a
  slot, without the budget.
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
import math
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from ..errors import AuthError, InputError, NotFoundError, quote
from ..ladder import Level
from ..model import EDITOR_MAX_LEVEL, Editor, Item, NoticeStatus, Role
from ..store import Store
from ..text import clean_text

__all__ = [
    "BUDGET", "EDITOR_MAX_LEVEL", "ROLES", "Accounts", "Editor", "KdfBudget", "KdfBusy",
    "RoleError", "authorize", "check_name",
    "check_password", "check_role", "hash_password", "new_token", "token_digest",
    "verify_password",
]

ROLES = tuple(role.value for role in Role)

SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
MAX_N = 2**20
"""Stored hashes asking for more than this are refused (a tampered row must not eat the RAM)."""
KDF_SLOTS = 1
"""scrypt computations run at once in this process (each takes 128 MiB and a CPU)."""
KDF_QUEUE = 4
"""Sign-ins that may wait for a slot; one more is refused at once."""
KDF_WAIT = 3.0
"""Seconds a sign-in waits for a slot before it is refused."""
KDF_PER_MINUTE = 30
"""Sign-in hashes in any 60 s, from all addresses together (the global budget)."""

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
MAX_NAME = 64
NAME_RE = re.compile(r"^[\w.@+-]+$")
TOKEN_PREFIX = "fdr_"
TOKEN_BYTES = 32


class RoleError(AuthError):
    """The editor's role may not make this change (HTTP 403; the field at fault is ``level``)."""

    field = "level"

    def __init__(self, message: str) -> None:
        super().__init__(message, status=403)


# ----------------------------------------------------------------------------- the KDF budget


class KdfBusy(AuthError):
    """Too many sign-ins being checked at once or this minute (HTTP 429 with Retry-After)."""

    code = "busy"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many sign-ins at the moment; try again in {retry_after} s",
                         status=429)
        self.retry_after = retry_after


class KdfBudget:
    """The password-hashing work of sign-ins: ``slots`` at once, ``queue`` waiting (at most
    ``wait`` seconds each), ``per_minute`` in any 60 s. :meth:`turn` raises :class:`KdfBusy`
    beyond that, before any work."""

    def __init__(self, slots: int = KDF_SLOTS, queue: int = KDF_QUEUE, wait: float = KDF_WAIT,
                 per_minute: int = KDF_PER_MINUTE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.slots = threading.BoundedSemaphore(slots)
        self.queue = queue
        self.wait = wait
        self.per_minute = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._waiting = 0
        self._recent: deque[float] = deque()
        self.refused = 0

    def _refuse(self, retry_after: float) -> KdfBusy:
        self.refused += 1
        return KdfBusy(max(1, math.ceil(retry_after)))

    @contextmanager
    def turn(self) -> Iterator[None]:
        """One sign-in's hashing, or :class:`KdfBusy`."""
        with self._lock:
            now = self._clock()
            while self._recent and self._recent[0] <= now - 60:
                self._recent.popleft()
            if len(self._recent) >= self.per_minute:
                raise self._refuse(self._recent[0] + 60 - now)
            if self._waiting >= self.queue:
                raise self._refuse(1)
            self._waiting += 1
            self._recent.append(now)  # counted when admitted: a refused one costs nothing
        try:
            got = self.slots.acquire(timeout=self.wait)
        finally:
            with self._lock:
                self._waiting -= 1
        if not got:
            raise self._refuse(1)
        try:
            yield
        finally:
            self.slots.release()


BUDGET = KdfBudget()
"""The process's budget, shared by every :class:`Accounts` (the web app has one; tests and the
CLI may build more)."""


# ----------------------------------------------------------------------------- passwords


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    maxmem = 128 * r * (n + p + 2) + 1024 * 1024
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


# ----------------------------------------------------------------------------- tokens


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------- validation


def check_name(name: str) -> str:
    """A new editor's name: its length as typed first (cheap), then cleaned like every text
    (:func:`~feeder.text.clean_text`: NFC, so ``Åsa`` typed either way is one name), then its
    rules."""
    if len(name) > 4 * MAX_NAME:
        raise InputError(f"is {len(name)} characters; at most {MAX_NAME}", "name")
    if not _encodable(name):
        raise InputError("is not valid text (is the terminal's encoding UTF-8?)", "name")
    name = clean_text(name).strip()
    if not name:
        raise InputError("must not be empty", "name")
    if len(name) > MAX_NAME:
        raise InputError(f"is {len(name)} characters; at most {MAX_NAME}", "name")
    if not NAME_RE.match(name):
        raise InputError(
            "may hold letters, digits and . _ @ + - only (no spaces)", "name"
        )
    return name


def lookup_name(name: str) -> str | None:
    """The name to look an editor up by (cleaned as :func:`check_name` cleans it), or None when
    no editor can have it: then nothing is asked of the database."""
    try:
        return check_name(name)
    except InputError:
        return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: bytes that were not UTF-8
        return False
    return True


def check_password(password: str) -> str:
    """A new password, taken as typed (a secret is never altered), but it must be text: a lone
    surrogate (bytes on stdin that were not UTF-8) is refused."""
    if not _encodable(password):
        raise InputError("is not valid text (is the terminal's encoding UTF-8?)", "password")
    if len(password) < MIN_PASSWORD:
        raise InputError(f"is too short: at least {MIN_PASSWORD} characters", "password")
    if len(password) > MAX_PASSWORD:
        raise InputError(f"is too long: at most {MAX_PASSWORD} characters", "password")
    return password


def check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        raise InputError(f"must be one of {', '.join(ROLES)}, got {role!r}", "role") from exc


# ----------------------------------------------------------------------------- accounts


class Accounts:
    """The editors of one store, with this instance's bound on concurrent scrypt runs."""

    def __init__(self, store: Store, *, budget: KdfBudget | None = None) -> None:
        self.store = store
        self.budget = budget or BUDGET
        self._dummy_hash: str | None = None

    # ------------------------------------------------------------------------- hashing

    def hash_password(self, password: str) -> str:
        """A new password's hash (waits for a slot; not budgeted: editors' accounts only)."""
        with self.budget.slots:
            return hash_password(password)

    def verify_password(self, password: str, encoded: str) -> bool:
        """Check a sign-in's password, within the budget (:class:`KdfBusy` beyond it)."""
        with self.budget.turn():
            return verify_password(password, encoded)

    def _burn_time(self, password: str) -> None:
        """Spend what a real check costs, so that an unknown name answers no faster."""
        if self._dummy_hash is None:
            self._dummy_hash = self.hash_password(secrets.token_urlsafe(16))
        self.verify_password(password, self._dummy_hash)

    # ------------------------------------------------------------------------- reading

    def all(self) -> list[Editor]:
        return self.store.editors()

    def count(self) -> int:
        return self.store.editor_count()

    def find(self, name: str) -> Editor | None:
        wanted = lookup_name(name)
        return self.store.find_editor(wanted) if wanted is not None else None

    def get(self, name: str) -> Editor:
        editor = self.find(name)
        if editor is None:
            raise NotFoundError(f"no editor named {quote(name)}")
        return editor

    def by_id(self, editor_id: int) -> Editor | None:
        return self.store.editor_by_id(editor_id)

    def by_token(self, token: str) -> Editor | None:
        """The editor holding this API token now (a rotated or removed one holds none)."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        return self.store.editor_by_token_hash(token_digest(token))

    def login(self, name: str, password: str) -> Editor | None:
        """The editor if name and password match, else None (in about the same time either
        way); :class:`KdfBusy` when the process's hashing budget is used up."""
        if len(password) > MAX_PASSWORD or not _encodable(password):
            return None
        wanted = lookup_name(name)
        if wanted is None:
            return None
        editor, encoded = self.store.editor_credentials(wanted) or (None, None)
        if editor is None or encoded is None:
            self._burn_time(password)
            return None
        return editor if self.verify_password(password, encoded) else None

    # ------------------------------------------------------------------------- changing

    def add(
        self,
        name: str,
        *,
        role: str = Role.EDITOR,
        password: str | None = None,
        actor: str,
        now: datetime,
    ) -> tuple[Editor, str]:
        """Create an editor; returns it and its API token (the only time the token is seen)."""
        name = check_name(name)
        checked_role = check_role(role)
        pw_hash = self.hash_password(check_password(password)) if password is not None else None
        token = new_token()
        editor = self.store.add_editor(
            name, checked_role, password_hash=pw_hash, token_hash=token_digest(token),
            actor=actor, now=now,
        )
        return editor, token

    def remove(self, name: str, *, actor: str, now: datetime) -> None:
        """Delete an editor: their token and sessions stop working at once."""
        self.store.remove_editor(self.get(name).name, actor=actor, now=now)

    def rotate_token(self, name: str, *, actor: str, now: datetime) -> str:
        """A new API token for the editor; the old one stops working."""
        editor = self.get(name)  # NotFoundError before any work
        token = new_token()
        self.store.set_token_hash(editor.name, token_digest(token), actor=actor, now=now)
        return token

    def set_password(self, name: str, password: str, *, actor: str, now: datetime) -> None:
        """Set (or replace) an editor's password; their open sessions end."""
        editor = self.get(name)
        pw_hash = self.hash_password(check_password(password))
        self.store.set_password_hash(editor.name, pw_hash, actor=actor, now=now)

    def end_sessions(self, editor_id: int) -> None:
        """Invalidate every web session of the editor (logging out)."""
        self.store.end_sessions(editor_id)


# ----------------------------------------------------------------------------- roles


def _published_level(item: Item | None) -> Level | None:
    """The level at which ``item`` is (or would be) public; None for drafts, withdrawn ones."""
    if item is None or item.status != NoticeStatus.PUBLISHED or item.withdrawn:
        return None
    return item.level


def authorize(editor: Editor, before: Item | None, after: Item | None) -> None:
    """Raise :class:`RoleError` (403) unless the editor's role allows changing ``before`` into
    ``after`` (either may be None). A plain editor may neither publish a notice above
    ``warning`` nor change or withdraw one that is published above it; drafts at any level are
    allowed (a publisher publishes them)."""
    for item in (before, after):
        level = _published_level(item)
        if level is not None and level > editor.max_level:
            raise RoleError(
                f"role '{editor.role}' may publish notices up to {editor.max_level.label};"
                f" {level.label} needs role 'publisher'"
            )
