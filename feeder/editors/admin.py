"""``/admin/``: the editors' web form (Swedish), server-rendered.

==========================================  ==================================================
GET  /admin/                                the notices with their status (sign-in needed)
GET  /admin/login, POST /admin/login        sign in with name and password (429 when throttled)
POST /admin/logout                          sign out (ends every session of the editor)
GET  /admin/new, POST /admin/new            write a notice (save as draft or publish)
GET  /admin/notices/<id>, POST (same)       change a notice
POST /admin/notices/<id>/withdraw           withdraw a notice
GET  /admin/audit[?id=<id>]                 the audit log: who did what, when, before/after
POST /admin/preview                         JSON in, the rendered preview out (for admin.js);
                                            a notice that would be refused: 200, ``ok: false``
                                            and every field's Swedish error (a request that is
                                            not a preview: 400/401/415; never a 500)
GET  /admin/assets/admin.js|admin.css       the page's script and style (no inline code: CSP)
==========================================  ==================================================

``<id>`` is the notice's id, ``notice:<hex>``. Pages without a session redirect to the sign-in
page (``303``). A rejected form is shown again with what was typed and every error at once, each
next to its field (a new notice must be given a level: the form chooses none), with the status
the API would answer (:mod:`feeder.web.errors` maps every error to its
status and headers: a locked database is ``503`` with ``Retry-After``). Any other error, also one
no route caught (a busy database while reading the session, an unknown page, a refused
cross-origin post), is a short Swedish page with that status (:meth:`AdminPages.escaped_error`),
never JSON or a traceback in the browser. A client of :class:`~feeder.app.Feeder`, like the API.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import anyio.to_thread
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import Scope

from .. import lifecycle, notices
from ..app import Feeder
from ..errors import (
    AuthError,
    FeederError,
    InputError,
    NotFoundError,
    StoreError,
)
from ..lifecycle import State
from ..model import EDITOR_MAX_LEVEL, Editor, Item, NoticeStatus
from ..notices import NoticeInput
from ..timeutil import utcnow
from ..web.errors import error_response as error_json
from ..web.errors import headers_for, status_for
from . import accounts, pages, preview, sessions
from .body import form_data, json_object
from .context import EditorsWeb, client_address
from .form import (
    ACTIONS,
    LEVELS,
    actor_name,
    audit_rows,
    changes,
    form_values,
    shown,
    state_label,
    submitted,
)
from .throttle import Throttled

log = logging.getLogger("feeder.editors")

Endpoint = Callable[[Request], Awaitable[Response]]

ADMIN = "/admin"
ASSETS = Path(__file__).resolve().parent.parent / "assets"
ASSET_TYPES = {"admin.js": "text/javascript; charset=utf-8", "admin.css": "text/css; charset=utf-8"}
MESSAGES = {
    "published": "Publicerat.",
    "scheduled": "Publicerat: meddelandet visas från sin starttid.",
    "draft": "Sparat som utkast. Det visas inte förrän det publiceras.",
    "unchanged": "Inget ändrades.",
    "withdrawn": "Meddelandet är återkallat.",
    "loggedout": "Du är utloggad.",
}
"""What the notice list says after an action (``?msg=``)."""


def _saved(item: Item) -> str:
    """The message key for a notice just saved: published (now or from its start) or draft."""
    state = lifecycle.state_of(item, utcnow())
    if state is State.DRAFT:
        return "draft"
    return "scheduled" if state is State.SCHEDULED else "published"


class AdminPages:
    def __init__(self, web: EditorsWeb) -> None:
        self.web = web

    @property
    def feeder(self) -> Feeder:
        return self.web.feeder

    # ------------------------------------------------------------------------- helpers

    async def _editor(self, request: Request) -> Editor | None:
        return await anyio.to_thread.run_sync(self.web.session_editor, request)

    def _page(self, template: str, editor: Editor | None, status: int = 200,
              headers: dict[str, str] | None = None, **context: Any) -> Response:
        return pages.page(template, status, headers, editor=editor, admin=ADMIN,
                          region=self.web.ctx.config.region.name, **context)

    def _error_page(self, editor: Editor | None, exc: BaseException) -> Response:
        """A short Swedish page saying what went wrong, with the status (and headers, such as
        ``Retry-After``) the API would answer."""
        if isinstance(exc, accounts.RoleError):
            message = self._role_message(editor)
        else:
            message = pages.failure_message(exc)
        return self._page("admin_error.html", editor, status_for(exc), headers_for(exc),
                          message=message)

    def escaped_error(self, scope: Scope, exc: BaseException) -> Response:
        """The answer to an error no route answered (the security middleware asks): JSON for
        the preview, which admin.js reads; for everything a browser shows, a Swedish page."""
        if scope.get("path", "").endswith("/preview"):
            return error_json(exc)
        status = status_for(exc)
        if status == 500:
            log.error("internal error: %s", exc, exc_info=exc)
        elif isinstance(exc, StoreError):
            log.warning("answered %d: %s", status, exc)
        return self._error_page(None, exc)

    @staticmethod
    def _role_message(editor: Editor | None) -> str:
        limit = editor.max_level if editor is not None else EDITOR_MAX_LEVEL
        return (
            f"Din roll får publicera meddelanden upp till nivån {limit.swedish.lower()}"
            f" ({limit.label}). Nivåerna orange varning och röd varning/VMA kräver rollen"
            " publicist; spara som utkast så kan en publicist publicera det."
        )

    def _form(self, editor: Editor, status: int, *, item: Item | None, values: Mapping[str, Any],
              errors: Mapping[str, str] | None = None,
              summary: list[tuple[str, str]] | None = None) -> Response:
        """The form; ``errors``: field → what is wrong with it (shown next to it); ``summary``:
        (field, the whole sentence) for the list above the form."""
        config = self.web.ctx.config
        return self._page(
            "admin_form.html", editor, status,
            item=item, notice_id=item.id if item else None,
            values=values, errors=errors or {}, summary=summary or [], levels=LEVELS,
            topics=[(t.id, t.title) for t in config.topics],
            areas=sorted(config.region.municipalities.items(), key=lambda kv: kv[1]),
            max_title=notices.MAX_TITLE, max_body=notices.MAX_BODY,
            state=state_label(item, utcnow()) if item else None,
            author=actor_name(item.author) if item else "",
        )

    def _invalid(self, editor: Editor, found: Mapping[str, InputError], item: Item | None,
                 values: Mapping[str, Any]) -> Response:
        """The form again with every error of the submission, each next to its field."""
        first = next(iter(found.values()))
        return self._form(
            editor, first.status, item=item, values=values,
            errors={name: pages.swedish_text(exc) for name, exc in found.items()},
            summary=[(name, pages.swedish_error(exc)) for name, exc in found.items()],
        )

    def _form_error(self, editor: Editor, exc: FeederError, item: Item | None,
                    values: Mapping[str, Any]) -> Response:
        if isinstance(exc, InputError):
            return self._invalid(editor, {exc.field or "": exc}, item, values)
        if isinstance(exc, accounts.RoleError):
            message = self._role_message(editor)
            return self._form(editor, exc.status, item=item, values=values,
                              errors={"level": message},
                              summary=[("level", f"Nivå: {message}")])
        return self._error_page(editor, exc)

    def _check(self, fields: Mapping[str, Any], existing: Item | None) -> dict[str, InputError]:
        return preview.check(self.feeder, fields, existing)

    @staticmethod
    def _to_login() -> Response:
        return RedirectResponse(f"{ADMIN}/login", status_code=303)

    # ------------------------------------------------------------------------- sign in/out

    async def login_form(self, request: Request) -> Response:
        editor = await self._editor(request)
        if editor is not None:
            return RedirectResponse(f"{ADMIN}/", status_code=303)
        message = MESSAGES.get(request.query_params.get("msg", ""))
        return self._login_page(200, message=message)

    def _login_page(self, status: int, *, error: str | None = None, message: str | None = None,
                    name: str = "", headers: dict[str, str] | None = None) -> Response:
        if self.web.signer is None:
            error = ("Inloggningen är avstängd: ingen sessionsnyckel är satt"
                     " (FEEDER_SECRET_KEY eller systemd-uppgiften secret_key).")
            status = 503
        return self._page("admin_login.html", None, status, headers, error=error,
                          message=message, name=name)

    async def login(self, request: Request) -> Response:
        address = client_address(request)
        try:
            self.web.throttle.check(address)
        except Throttled as exc:
            minutes = max(1, round(exc.retry_after / 60))
            return self._login_page(
                status_for(exc),
                error=f"För många misslyckade inloggningar. Försök igen om {minutes} min.",
                headers=headers_for(exc),
            )
        if self.web.signer is None:
            return self._login_page(503)
        try:
            form = await form_data(request)
        except InputError as exc:
            return self._login_page(exc.status, error=pages.swedish_error(exc))
        name = form.get("name", [""])[0].strip()
        password = form.get("password", [""])[0]
        editor = None
        if name and password:
            try:
                editor = await anyio.to_thread.run_sync(self.feeder.login, name, password)
            except FeederError as exc:
                return self._error_page(None, exc)
        if editor is None:
            self.web.throttle.fail(address, f"failed login as {name[:accounts.MAX_NAME]!r}")
            return self._login_page(401, error="Fel namn eller lösenord.", name=name)
        log.info("editor %r signed in from %s", editor.name, address)
        response = RedirectResponse(f"{ADMIN}/", status_code=303)
        sessions.set_cookie(response, request,
                            self.web.signer.sign(editor.id, editor.session_gen, time.time()))
        return response

    async def logout(self, request: Request) -> Response:
        editor = await self._editor(request)
        if editor is not None:
            try:
                await anyio.to_thread.run_sync(self.feeder.end_sessions, editor)
            except FeederError as exc:
                return self._error_page(editor, exc)
            log.info("editor %r signed out", editor.name)
        response = RedirectResponse(f"{ADMIN}/login?msg=loggedout", status_code=303)
        sessions.clear_cookie(response, request)
        return response

    # ------------------------------------------------------------------------- pages

    async def index(self, request: Request) -> Response:
        editor = await self._editor(request)
        if editor is None:
            return self._to_login()
        try:
            items = await anyio.to_thread.run_sync(self.feeder.notices)
        except FeederError as exc:
            return self._error_page(editor, exc)
        now = utcnow()
        min_level = self.web.ctx.config.banner.min_level
        names = self.web.ctx.config.region.municipalities
        rows = [
            {
                "item": item,
                "id": item.id,
                "state": state_label(item, now),
                "in_banner": lifecycle.in_banner(item, min_level, now),
                "author": actor_name(item.author),
                "where": ", ".join(names.get(code, code) for code in item.areas) or "Hela länet",
            }
            for item in items
        ]
        return self._page("admin_list.html", editor, rows=rows,
                          message=MESSAGES.get(request.query_params.get("msg", "")))

    async def new_form(self, request: Request) -> Response:
        editor = await self._editor(request)
        if editor is None:
            return self._to_login()
        return self._form(editor, 200, item=None, values=form_values(None))

    async def create(self, request: Request) -> Response:
        editor = await self._editor(request)
        if editor is None:
            return self._to_login()
        values = form_values(None)
        try:
            values = submitted(await form_data(request))
            fields = changes(values, None)
            fields.setdefault("status", NoticeStatus.PUBLISHED)
            found = await anyio.to_thread.run_sync(self._check, fields, None)
            if found:
                return self._invalid(editor, found, None, values)
            data = NoticeInput.from_mapping(fields)
            saved = await anyio.to_thread.run_sync(
                lambda: self.feeder.add_notice(data, actor=editor))
        except FeederError as exc:
            return self._form_error(editor, exc, None, values)
        return RedirectResponse(f"{ADMIN}/?msg={_saved(saved)}", status_code=303)

    async def edit_form(self, request: Request) -> Response:
        editor = await self._editor(request)
        if editor is None:
            return self._to_login()
        try:
            item = await anyio.to_thread.run_sync(
                self.feeder.notice, request.path_params["notice_id"])
        except FeederError as exc:
            return self._error_page(editor, exc)
        return self._form(editor, 200, item=item, values=form_values(item))

    async def save(self, request: Request) -> Response:
        editor = await self._editor(request)
        if editor is None:
            return self._to_login()
        notice_id = request.path_params["notice_id"]
        try:
            item = await anyio.to_thread.run_sync(self.feeder.notice, notice_id)
        except FeederError as exc:
            return self._error_page(editor, exc)
        values = form_values(item)
        try:
            values = submitted(await form_data(request))
            fields = changes(values, form_values(item))
            found = await anyio.to_thread.run_sync(self._check, fields, item)
            if found:
                return self._invalid(editor, found, item, values)
            data = NoticeInput.from_mapping(fields)
            saved = await anyio.to_thread.run_sync(
                lambda: self.feeder.update_notice(notice_id, data, actor=editor))
        except FeederError as exc:
            return self._form_error(editor, exc, item, values)
        msg = "unchanged" if saved == item else _saved(saved)
        return RedirectResponse(f"{ADMIN}/?msg={msg}", status_code=303)

    async def withdraw(self, request: Request) -> Response:
        editor = await self._editor(request)
        if editor is None:
            return self._to_login()
        try:
            await anyio.to_thread.run_sync(lambda: self.feeder.withdraw_notice(
                request.path_params["notice_id"], actor=editor))
        except FeederError as exc:
            return self._error_page(editor, exc)
        return RedirectResponse(f"{ADMIN}/?msg=withdrawn", status_code=303)

    async def audit(self, request: Request) -> Response:
        editor = await self._editor(request)
        if editor is None:
            return self._to_login()
        wanted = request.query_params.get("id")
        try:
            entries = await anyio.to_thread.run_sync(
                lambda: self.feeder.audit_log(wanted, limit=300))
        except FeederError as exc:
            return self._error_page(editor, exc)
        config = self.web.ctx.config
        names, topics = config.region.municipalities, {t.id: t.title for t in config.topics}
        rows = [
            {
                "entry": e,
                "actor": actor_name(e.actor),
                "action": ACTIONS.get(e.action, e.action),
                "id": e.item_id,
                "changes": [(pages.FIELD_NAMES.get(name, name), shown(name, old, names, topics),
                             shown(name, new, names, topics))
                            for name, old, new in audit_rows(e)],
            }
            for e in entries
        ]
        return self._page("admin_audit.html", editor, rows=rows,
                          notice_id=notices.item_id(wanted) if wanted else None)

    # ------------------------------------------------------------------------- preview

    async def preview_page(self, request: Request) -> Response:
        editor = await self._editor(request)
        if editor is None:
            return error_json(AuthError("not signed in"))
        try:
            data = await json_object(request)
        except InputError as exc:  # not a preview request at all (type, size, JSON)
            return JSONResponse({"ok": False, "error": exc.detail, "field": exc.field},
                                status_code=exc.status)
        try:
            result = await anyio.to_thread.run_sync(
                preview.answer, self.feeder, self.web.ctx.config, data)
        except NotFoundError:
            result = {"ok": False, "error": pages.NOT_FOUND, "field": "id",
                      "errors": [{"field": "id", "error": pages.NOT_FOUND}]}
        except FeederError as exc:
            return error_json(exc)
        return JSONResponse(result)

    # ------------------------------------------------------------------------- assets

    async def asset(self, request: Request) -> Response:
        name = request.path_params["name"]
        media = ASSET_TYPES.get(name)
        if media is None:
            raise HTTPException(404)
        body = await anyio.to_thread.run_sync((ASSETS / name).read_bytes)
        return Response(body, media_type=media, headers={"Cache-Control": "no-cache"})

    def _answering(self, endpoint: Endpoint) -> Endpoint:
        """``endpoint`` with the errors it does not answer itself answered by
        :meth:`escaped_error` (else the app's JSON handler would answer a browser)."""

        async def answered(request: Request) -> Response:
            try:
                return await endpoint(request)
            except (FeederError, HTTPException) as exc:
                return self.escaped_error(request.scope, exc)

        return answered

    def routes(self) -> list[Route]:
        def route(path: str, endpoint: Endpoint, method: str, name: str) -> Route:
            return Route(path, self._answering(endpoint), methods=[method], name=name)

        return [
            route("/", self.index, "GET", "admin_index"),
            route("/login", self.login_form, "GET", "admin_login_form"),
            route("/login", self.login, "POST", "admin_login"),
            route("/logout", self.logout, "POST", "admin_logout"),
            route("/new", self.new_form, "GET", "admin_new"),
            route("/new", self.create, "POST", "admin_create"),
            route("/notices/{notice_id}", self.edit_form, "GET", "admin_edit"),
            route("/notices/{notice_id}", self.save, "POST", "admin_save"),
            route("/notices/{notice_id}/withdraw", self.withdraw, "POST", "admin_withdraw"),
            route("/audit", self.audit, "GET", "admin_audit"),
            route("/preview", self.preview_page, "POST", "admin_preview"),
            route("/assets/{name}", self.asset, "GET", "admin_asset"),
        ]
