"""The application core: one :class:`Feeder` per process, built from the config.

It owns the store, the HTTP fetcher, the sources and publishing, and offers the operations users
have: poll, publish, notices (add, update, withdraw, list, preview), editors (add, remove,
rotate a token, set a password, sign in). The command line (:mod:`feeder.cli`,
:mod:`feeder.editors.cli`), the daemon (:mod:`feeder.daemon`), the JSON API
(:mod:`feeder.editors.api`) and the web form (:mod:`feeder.editors.admin`) are its clients:
nothing else wires the pipeline together.

A notice change goes: validation (:func:`feeder.notices.validate`) → the editor's role
(:func:`feeder.editors.accounts.authorize`, for a signed-in editor) → the store (the change and
its audit entry in one transaction) → publishing, before the caller answers. Checks and writes of
changes are serialised per instance, so two requests cannot both pass a check against the same
old state. When publishing fails after the change is stored, :class:`~feeder.errors.PublishError`
names the notice (HTTP 503, CLI exit 3); the next successful publish includes the change.

Blocking throughout (SQLite, scrypt, rendering): async callers run it in a worker thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Self, TypeAlias, cast

from . import notices
from .config import Config
from .editors.accounts import Accounts, authorize
from .errors import FeederError, InputError, PublishError
from .fetch import Fetcher
from .model import AuditEntry, Editor, Item, NoticeStatus, Role, SourceStatus
from .notices import NoticeInput
from .poll import PollOutcome, poll_source
from .publish import PublishResult, publish
from .sources import Source, build_sources
from .status import statuses
from .store import Store
from .timeutil import utcnow
from .websub import Notifier

if TYPE_CHECKING:
    from .scheduler import Scheduler

__all__ = ["Actor", "Feeder"]

log = logging.getLogger("feeder.app")

Sleep = Callable[[float], None]

Actor: TypeAlias = Editor | str
"""Who makes a change: a signed-in :class:`~feeder.model.Editor` (their role is checked) or an
operator's name (``cli:anna``, ``config.yaml``: trusted, as the shell account is)."""

PublishListener = Callable[[PublishResult], object]


class Feeder:
    """One feeder instance: config, store, fetcher, and every operation on them.

    ``store`` and ``fetcher`` may be given (tests, benchmarks); what the instance opens itself
    it closes in :meth:`close`. ``clock`` is "now" for every change and publish.
    """

    def __init__(
        self,
        config: Config,
        *,
        store: Store | None = None,
        fetcher: Fetcher | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.config = config
        self.clock = clock
        self._own_store = store is None
        self.store = store if store is not None else Store(config.storage.database)
        self._own_fetcher = fetcher is None
        self.fetcher = fetcher if fetcher is not None else Fetcher(config.http)
        self.accounts = Accounts(self.store)
        self._sources: dict[str, Source] = build_sources(config)
        """One instance per enabled source, kept for the life of this object (a source may keep
        state between polls, e.g. SMHI's memo of the last body)."""
        self._changes = threading.Lock()
        """Serialises check-then-write of notice changes in this instance."""
        self._publishing = threading.Lock()
        self._listeners: list[PublishListener] = []
        self._scheduler: Scheduler | None = None
        self.websub: Notifier | None = None
        """The WebSub notifier, once :meth:`notifier` made it (``/healthz`` reports it)."""

    def close(self) -> None:
        """Close what this instance opened (not a store or fetcher it was given)."""
        if self._own_fetcher:
            self.fetcher.close()
        if self._own_store:
            self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------------- sources

    @property
    def sources(self) -> list[str]:
        """The enabled sources, in config order."""
        return self.config.enabled_sources

    def check_sources(self, names: Iterable[str]) -> list[str]:
        """The names given (each once), or every enabled source for none; InputError (field
        ``SOURCE``) for an unknown or disabled one."""
        wanted = list(dict.fromkeys(names)) or self.sources
        for name in wanted:
            if name not in self.config.sources:
                known = ", ".join(self.config.sources)
                raise InputError(f"unknown source {name!r}; known: {known}", "SOURCE")
            if not self.config.sources[name].enabled:
                raise InputError(f"source {name!r} is disabled in the config", "SOURCE")
        return wanted

    def poll(
        self, names: Iterable[str] = (), *, force: bool = False, sleep: Sleep = time.sleep
    ) -> list[PollOutcome]:
        """Poll the sources named (all enabled ones for none) once each and store what they
        found; does not publish. ``force`` polls even a source that is backing off."""
        return [self.poll_source(name, force=force, sleep=sleep)
                for name in self.check_sources(names)]

    def poll_source(
        self,
        name: str,
        *,
        force: bool = False,
        sleep: Sleep = time.sleep,
        now: datetime | None = None,
    ) -> PollOutcome:
        """Poll one source and store what it found. A failure is recorded, never raised."""
        return poll_source(
            self._sources[name], self.store, self.config, self.fetcher,
            now=now if now is not None else self.clock(), sleep=sleep,
            respect_backoff=not force,
        )

    def statuses(self, now: datetime | None = None) -> dict[str, SourceStatus]:
        """Every enabled source's status (ok, stale, since when), from the store only."""
        now = now if now is not None else self.clock()
        return statuses(self.config, self.store.source_states(), now)

    # ------------------------------------------------------------------------- publishing

    def publish(self, now: datetime | None = None) -> PublishResult:
        """Render every output from the database and write what changed (never two at once in
        this instance; other processes are kept out by the publisher's own lock). Then tell the
        listeners (the web app's output cache)."""
        with self._publishing:
            result = publish(self.store, self.config, now if now is not None else self.clock())
            for listener in self._listeners:
                try:
                    listener(result)
                except Exception:
                    log.exception("after-publish listener failed")
        return result

    def publish_now(self) -> PublishResult:
        """Publish at once after a change: through the scheduler when one runs (it re-arms its
        publish at the next change the result reports), else :meth:`publish`."""
        if self._scheduler is not None and self._scheduler.running:
            return cast(PublishResult, self._scheduler.publish_now())  # it runs self.publish
        return self.publish()

    def on_published(self, listener: PublishListener) -> None:
        """Call ``listener(result)`` after every publish of this instance."""
        self._listeners.append(listener)

    def scheduler(self, *, poll_at_start: bool = True) -> Scheduler:
        """The background jobs of ``feeder run`` (not started): every enabled source polled on its
        interval, a publish after each poll and at every next change. While it runs, changes
        publish through it."""
        from .scheduler import Scheduler  # threads only where something is scheduled

        self._scheduler = Scheduler(
            {name: self.config.sources[name].interval for name in self.sources},
            lambda name, sleep: self.poll_source(name, sleep=sleep),
            self.publish,
            poll_at_start=poll_at_start,
        )
        return self._scheduler

    def notifier(self) -> Notifier | None:
        """The WebSub notifier of ``feeds.websub_hub`` (None without the key): made once, told
        of every publish of this instance, not started (``feeder run`` and the commands that
        publish start and stop it)."""
        if self.websub is None:
            self.websub = Notifier.for_config(self.config, self.fetcher)
            if self.websub is not None:
                self.on_published(self.websub.published)
        return self.websub

    def _publish_change(self, item: Item) -> None:
        try:
            result = self.publish_now()
        except Exception as exc:
            # A FeederError says what failed (a folder, the database); anything else is a bug.
            log.error("publishing after an editor's change to %s failed: %s", item.id, exc,
                      exc_info=not isinstance(exc, FeederError))
            raise PublishError(
                f"the change to {item.id} is saved, but publishing failed"
                f" ({type(exc).__name__}: {exc}); it goes out with the next successful publish",
                item_id=item.id,
            ) from exc
        if result.failed or item.id in result.left_out:
            what = (f"outputs {', '.join(sorted(result.failed))} could not be rendered"
                    if result.failed else "it could not be rendered and was left out")
            log.error("after an editor's change to %s: %s", item.id, what)
            raise PublishError(
                f"the change to {item.id} is saved, but {what}; see /healthz and the log",
                item_id=item.id,
            )

    # ------------------------------------------------------------------------- notices

    def load_standing(self) -> list[str]:
        """Write the standing notices of config.yaml that are new or changed; their ids."""
        with self._changes:
            return notices.load_standing(self.store, self.config, now=self.clock())

    def notices(self) -> list[Item]:
        """Every notice (drafts and withdrawn ones too), the latest change first."""
        return notices.list_notices(self.store)

    def notice(self, notice_id: str) -> Item:
        """One notice, by either form of its id; NotFoundError when there is none."""
        return notices.get(self.store, notice_id)

    def add_notice(
        self, data: NoticeInput, *, actor: Actor, notice_id: str | None = None
    ) -> Item:
        """Validate, check the role, store (with its audit entry) and publish a new notice."""
        name, check = _who(actor)
        with self._changes:
            item = notices.create(self.store, self.config, data, actor=name, now=self.clock(),
                                  notice_id=notice_id, check=check)
        self._publish_change(item)
        return item

    def update_notice(self, notice_id: str, data: NoticeInput, *, actor: Actor) -> Item:
        """Change the fields given; publish when something changed."""
        name, check = _who(actor)
        with self._changes:
            old = notices.get(self.store, notice_id)
            item = notices.update(self.store, self.config, notice_id, data, actor=name,
                                  now=self.clock(), check=check)
        if item != old:
            self._publish_change(item)
        return item

    def withdraw_notice(self, notice_id: str, *, actor: Actor) -> Item:
        """Withdraw a notice (kept in history, marked as ended) and publish."""
        name, check = _who(actor)
        with self._changes:
            old = notices.get(self.store, notice_id)
            item = notices.withdraw(self.store, notice_id, actor=name, now=self.clock(),
                                    check=check)
        if item != old:
            self._publish_change(item)
        return item

    def preview_notice(self, data: NoticeInput, *, notice_id: str | None = None) -> Item:
        """The notice as it would be published if ``data`` were saved now (validated like a
        save; nothing is stored)."""
        now = self.clock()
        existing = notices.get(self.store, notice_id) if notice_id else None
        changes = notices.validate(data, self.config, existing=existing, now=now)
        base = existing or notices.build("preview", notices.NoticeChanges(), actor="", now=now)
        return changes.apply(base).evolve(status=NoticeStatus.PUBLISHED, withdrawn=False,
                                          updated=now)

    def audit_log(self, notice_id: str | None = None, *, limit: int = 500) -> list[AuditEntry]:
        """The newest entries: of one notice (either form of its id), or of everything."""
        item_id = notices.item_id(notice_id) if notice_id else None
        return self.store.audit_log(item_id, limit=limit)

    # ------------------------------------------------------------------------- editors

    def editors(self) -> list[Editor]:
        return self.accounts.all()

    def editor(self, name: str) -> Editor:
        """The editor of that name; NotFoundError when there is none."""
        return self.accounts.get(name)

    def has_editors(self) -> bool:
        return self.accounts.count() > 0

    def add_editor(
        self, name: str, *, role: str = Role.EDITOR, password: str | None = None, actor: str
    ) -> tuple[Editor, str]:
        """Create an editor; returns it and its new API token (shown only now)."""
        return self.accounts.add(name, role=role, password=password, actor=actor,
                                 now=self.clock())

    def remove_editor(self, name: str, *, actor: str) -> None:
        self.accounts.remove(name, actor=actor, now=self.clock())

    def rotate_token(self, name: str, *, actor: str) -> str:
        """A new API token for the editor; the old one stops working at once."""
        return self.accounts.rotate_token(name, actor=actor, now=self.clock())

    def set_password(self, name: str, password: str, *, actor: str) -> None:
        """Set the editor's web-form password; their open sessions end."""
        self.accounts.set_password(name, password, actor=actor, now=self.clock())

    def login(self, name: str, password: str) -> Editor | None:
        """The editor if the name and password match, else None."""
        return self.accounts.login(name, password)

    def by_token(self, token: str) -> Editor | None:
        """The editor holding this API token now, or None."""
        return self.accounts.by_token(token)

    def editor_by_id(self, editor_id: int) -> Editor | None:
        return self.accounts.by_id(editor_id)

    def end_sessions(self, editor: Editor) -> None:
        """End every web session of the editor (logging out)."""
        self.accounts.end_sessions(editor.id)


def _who(actor: Actor) -> tuple[str, notices.Check | None]:
    """The name an audit entry records, and the role check a signed-in editor gets."""
    if isinstance(actor, Editor):
        return actor.name, partial(authorize, actor)
    return actor, None
