"""The admin form's checks and its live preview: every error of what an editor typed at once,
and the banner alert and feed entry a notice would make. Run in a worker thread (they read the
store); a client of :class:`~feeder.app.Feeder` like the rest of the form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import lifecycle
from ..app import Feeder
from ..config import Config
from ..errors import InputError
from ..lifecycle import State
from ..model import Item, NoticeStatus
from ..notices import NoticeInput
from ..notices.fields import FIELDS
from ..publish.entry import build as build_entry
from ..publish.views import applies, has_more
from . import pages
from .form import changes, field_errors, form_values


def check(feeder: Feeder, fields: Mapping[str, Any], existing: Item | None
          ) -> dict[str, InputError]:
    """Every error of the fields at once, in the form's order, as saving them would find them
    one by one; and a new notice must be given a level (the form chooses none)."""
    found: dict[str, InputError] = {}
    trial = dict(fields)
    if existing is None and not trial.get("level"):
        found["level"] = InputError("is required", "level", code="choose")
        trial["level"] = "info"  # to go on looking at the other fields

    def validate(candidate: dict[str, Any]) -> None:
        feeder.preview_notice(NoticeInput.from_mapping(candidate),
                              notice_id=existing.id if existing else None)

    found.update(field_errors(validate, trial))
    order = {name: n for n, name in enumerate(FIELDS)}
    return dict(sorted(found.items(), key=lambda kv: order.get(kv[0], len(order))))


def answer(feeder: Feeder, config: Config, data: dict[str, Any]) -> dict[str, Any]:
    """Validate like a save would, and render the banner alert and feed entry it makes.
    What would be refused is the answer too (200, ``ok: false``), with every field's error
    (``errors``; ``error`` and ``field`` are the first's): a 4xx here would put an error
    in the browser's console at every keystroke. admin.js shows only the errors of the
    fields the editor has touched. An unknown ``id`` is a NotFoundError."""
    notice_id = data.pop("id", None)
    status = data.pop("status", None)
    existing = None
    if isinstance(notice_id, str) and notice_id:
        existing = feeder.notice(notice_id)
        fields = changes(data, form_values(existing))
    else:
        fields = changes(data, None)
    found = check(feeder, fields, existing)
    if found:
        errors = [{"field": name, "error": pages.swedish_error(exc)}
                  for name, exc in found.items()]
        return {"ok": False, "error": errors[0]["error"], "field": errors[0]["field"],
                "errors": errors}
    item = feeder.preview_notice(NoticeInput.from_mapping(fields),
                                 notice_id=existing.id if existing else None)
    now = item.updated
    entry = build_entry(item, now, municipalities=config.region.municipalities)
    min_level = config.banner.min_level
    state = lifecycle.state_of(item, now)
    scheduled = state is State.SCHEDULED
    # In the banner now, or from the moment it starts.
    shown_at = item.effective if scheduled and item.effective is not None else now
    in_banner = lifecycle.in_banner(item, min_level, shown_at)
    html = pages.render_text(
        "admin_preview.html", entry=entry, item=item, in_banner=in_banner,
        scheduled=scheduled, draft=status == NoticeStatus.DRAFT, min_level=min_level,
        over=state.over, region=config.region.name, when=applies(entry, shown_at),
        more=has_more(entry, shown_at),
    )
    return {"ok": True, "html": html, "in_banner": in_banner and not scheduled,
            "scheduled": scheduled}
