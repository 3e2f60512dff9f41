"""``/api/notices``: the editors' JSON API (PRODUCT.md, "HTTP").

=========================  ===============================================================
GET    /api/notices        every notice (drafts and withdrawn ones too), newest change first
GET    /api/notices/<id>   one notice
POST   /api/notices        create: ``201`` + the notice (``Location`` names it)
PATCH  /api/notices/<id>   change the fields given: ``200`` + the notice
DELETE /api/notices/<id>   withdraw (kept in history, marked as ended in the feeds): ``200``
=========================  ===============================================================

``<id>`` is the notice's id as the API shows it, ``notice:<hex>`` (the bare ``<hex>`` works too).
Authentication: ``Authorization: Bearer <token>`` or the admin session cookie; ``401`` without
valid credentials, ``403`` when the editor's role may not make the change, ``429`` after repeated
wrong tokens from one address. Bad input: ``{"error": ..., "field": ...}`` with ``400`` (field
null when the request as a whole is malformed: bad JSON, not an object), ``413`` for bodies over
64 KiB, ``415`` for a content type other than ``application/json``, ``404`` for an unknown id,
``409`` for changing a withdrawn notice. The JSON object becomes a
:class:`~feeder.notices.NoticeInput`, validated by :func:`feeder.notices.validate` (sizes first,
then :func:`feeder.text.clean_text` on every text, then the rules: a lone surrogate such as
``"\ud800"`` is removed, a title left empty, a year outside 1970–2999 or a link the outputs would
not publish is a ``400`` naming the field); nothing is stored unless all of it passes, and no
input is answered with a ``500``. The answer is the notice as stored: its title is the one
published. An accepted change is published before the answer; when that
fails the change stays saved and the answer is ``503`` naming its ``id``. A locked database is
``503`` with ``Retry-After``. Every error is answered by :mod:`feeder.web.errors`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..app import Feeder
from ..errors import FeederError, InputError
from ..model import Editor
from ..notices import NoticeInput, as_dict
from ..web.errors import error_response
from .body import json_object
from .context import EditorsWeb

READ_ONLY = ("id", "level_number", "withdrawn", "published", "updated", "author")
"""Fields the API shows but never takes (a client may send back what it got; it is told why)."""

def notice_input(data: Mapping[str, object]) -> NoticeInput:
    """The notice fields of a request's JSON object (read-only ones refused by name)."""
    for name in READ_ONLY:
        if name in data:
            raise InputError("is read-only", name)
    return NoticeInput.from_mapping(data)


def _answer(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(payload, status_code=status,
                        headers={"Cache-Control": "no-store", **(headers or {})})


class NoticeAPI:
    def __init__(self, web: EditorsWeb) -> None:
        self.web = web

    @property
    def feeder(self) -> Feeder:
        return self.web.feeder

    async def _editor(self, request: Request) -> Editor:
        return await anyio.to_thread.run_sync(self.web.api_editor, request)

    async def list_all(self, request: Request) -> Response:
        try:
            await self._editor(request)
            items = await anyio.to_thread.run_sync(self.feeder.notices)
        except FeederError as exc:
            return error_response(exc)
        return _answer([as_dict(item) for item in items])

    async def get_one(self, request: Request) -> Response:
        try:
            await self._editor(request)
            item = await anyio.to_thread.run_sync(
                self.feeder.notice, request.path_params["notice_id"]
            )
        except FeederError as exc:
            return error_response(exc)
        return _answer(as_dict(item))

    async def create(self, request: Request) -> Response:
        try:
            editor = await self._editor(request)
            data = notice_input(await json_object(request))
            item = await anyio.to_thread.run_sync(
                lambda: self.feeder.add_notice(data, actor=editor))
        except FeederError as exc:
            return error_response(exc)
        return _answer(as_dict(item), 201, {"Location": f"/api/notices/{item.id}"})

    async def patch(self, request: Request) -> Response:
        try:
            editor = await self._editor(request)
            data = notice_input(await json_object(request))
            item = await anyio.to_thread.run_sync(lambda: self.feeder.update_notice(
                request.path_params["notice_id"], data, actor=editor))
        except FeederError as exc:
            return error_response(exc)
        return _answer(as_dict(item))

    async def delete(self, request: Request) -> Response:
        try:
            editor = await self._editor(request)
            item = await anyio.to_thread.run_sync(lambda: self.feeder.withdraw_notice(
                request.path_params["notice_id"], actor=editor))
        except FeederError as exc:
            return error_response(exc)
        return _answer(as_dict(item))

    def routes(self) -> list[Route]:
        return [
            Route("/notices", self.list_all, methods=["GET"], name="api_notices"),
            Route("/notices", self.create, methods=["POST"], name="api_notice_create"),
            Route("/notices/{notice_id}", self.get_one, methods=["GET"], name="api_notice"),
            Route("/notices/{notice_id}", self.patch, methods=["PATCH"],
                  name="api_notice_patch"),
            Route("/notices/{notice_id}", self.delete, methods=["DELETE"],
                  name="api_notice_delete"),
        ]
