"""Our own dataclasses: what the rest of feeder sees instead of any library's types."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from .ladder import ALERT_MIN, Level
from .timeutil import iso_z

SOURCE_NAMES = {
    "smhi": "SMHI",
    "lansstyrelsen": "Länsstyrelsen",
    "notice": "Länsstyrelsen",
    "vma": "Sveriges Radio (VMA)",
    "krisinformation": "Krisinformation",
}


class NoticeStatus(StrEnum):
    """Whether an item is public: every source's items are ``published``; an editor's notice may
    be a ``draft`` (stored, shown nowhere until published)."""

    PUBLISHED = "published"
    DRAFT = "draft"


class Reopen(StrEnum):
    """What brings back an item that was ended (cancelled, or gone from its source's list) when
    its source lists it again: a rule of each source (``SourceSpec.reopen``), applied by the
    store's ``upsert``."""

    LISTED = "listed"
    """Listed again is running again (SMHI, news): the source's list is the truth."""
    NEWER = "newer"
    """Only a newer version (a later ``updated``: a VMA's later ``sent``) re-opens it; the same
    or an older one listed again by a lagging cache leaves it ended."""


class Role(StrEnum):
    """An editor's role: ``editor`` publishes notices up to ``warning``; ``publisher`` all."""

    EDITOR = "editor"
    PUBLISHER = "publisher"


class AuditAction(StrEnum):
    """What an audit entry records: a notice's change, or a change to an editor account."""

    CREATE = "create"
    UPDATE = "update"
    WITHDRAW = "withdraw"
    EDITOR_ADD = "editor-add"
    EDITOR_REMOVE = "editor-remove"
    EDITOR_TOKEN = "editor-token"
    EDITOR_PASSWORD = "editor-password"


@dataclass(frozen=True, slots=True)
class Item:
    """One published thing: an SMHI warning area, a news article, an editor notice, a VMA.

    ``id`` is stable across polls and unique across sources. ``title`` is plain text; ``body`` is
    sanitised HTML. All times are aware UTC.
    """

    id: str
    source: str
    level: Level
    title: str
    body: str
    published: datetime
    updated: datetime
    url: str | None = None
    summary: str = ""
    level_reason: str = ""
    credit: str = ""
    effective: datetime | None = None
    """When the item may be published (CAP's *effective*): an editor's scheduled start. None: as
    soon as it is stored. Before it, the item is nowhere."""
    onset: datetime | None = None
    """When the event begins (CAP's *onset*): SMHI's ``approximateStart``, a VMA's ``onset``, an
    editor's start. None: it has begun. Before it, a published item is *upcoming*."""
    expires: datetime | None = None
    ended: datetime | None = None
    withdrawn: bool = False
    status: NoticeStatus = NoticeStatus.PUBLISHED
    topics: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    author: str = ""

    @property
    def source_name(self) -> str:
        """Who is credited as the source (SMHI's terms require SMHI to be named)."""
        return self.credit or SOURCE_NAMES.get(self.source, self.source)

    @property
    def is_alert(self) -> bool:
        """At or above :data:`~feeder.ladder.ALERT_MIN`: in ``alerts.*``, and may reach the
        banner."""
        return self.level >= ALERT_MIN

    def content_hash(self) -> str:
        """A hash of everything that, when changed upstream, makes a new version."""
        payload = {
            "source": self.source,
            "level": int(self.level),
            "title": self.title,
            "body": self.body,
            "url": self.url,
            "summary": self.summary,
            "level_reason": self.level_reason,
            "credit": self.credit,
            "published": iso_z(self.published),
            "updated": iso_z(self.updated),
            "effective": iso_z(self.effective),
            "onset": iso_z(self.onset),
            "expires": iso_z(self.expires),
            "status": self.status,
            "topics": list(self.topics),
            "areas": list(self.areas),
            "author": self.author,
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()

    def evolve(self, **changes: object) -> Item:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class SourceState:
    """What we know of one upstream source between polls."""

    name: str
    etag: str | None = None
    last_modified: str | None = None
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    failures: int = 0
    retry_at: datetime | None = None
    state: str = "new"
    """``new`` (never polled), ``ok``, ``failing`` or ``stale``: the state shown in outputs."""
    since: datetime | None = None
    """When ``state`` last changed."""


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """A source's state as outputs show it, computed at one instant."""

    name: str
    ok: bool
    stale: bool
    since: datetime | None
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    failures: int = 0
    stale_after: int = 0
    stale_at: datetime | None = None
    """When the source is (or will be) stale if nothing succeeds before then; None before any
    poll. A moment at which the outputs change with no new data."""


@dataclass(frozen=True, slots=True)
class Editor:
    """An editor account as the rest of feeder sees it (never its password or token hash)."""

    id: int
    name: str
    role: Role
    has_password: bool
    session_gen: int
    """Bumped by logging out or a new password: ends every web session of the editor."""
    created: datetime
    token_created: datetime | None

    @property
    def max_level(self) -> Level:
        """The highest level this editor may publish."""
        return Level.CRITICAL if self.role == Role.PUBLISHER else EDITOR_MAX_LEVEL


EDITOR_MAX_LEVEL = Level.WARNING
"""The highest level a plain ``editor`` may publish; above it needs ``publisher``."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: AuditAction
    item_id: str | None
    before: dict[str, object] | None
    after: dict[str, object] | None


@dataclass(frozen=True, slots=True)
class UpsertResult:
    inserted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated)
