"""The admin form's data: what its fields show for a notice, what a submitted form changed, a
notice's state in Swedish, and what an audit entry changed. Pure functions, no requests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .. import lifecycle
from ..ladder import Level
from ..lifecycle import State
from ..model import AuditAction, AuditEntry, Item
from . import pages

FORM_TEXTS = ("title", "body", "level", "starts", "expires", "url")
FORM_LISTS = ("topics", "areas")
ACTIONS = {
    AuditAction.CREATE: "skapade",
    AuditAction.UPDATE: "ändrade",
    AuditAction.WITHDRAW: "återkallade",
    AuditAction.EDITOR_ADD: "lade till redaktören",
    AuditAction.EDITOR_REMOVE: "tog bort redaktören",
    AuditAction.EDITOR_TOKEN: "bytte API-nyckel för",
    AuditAction.EDITOR_PASSWORD: "bytte lösenord för",
}
LEVELS = [(level.label, f"{level.swedish} ({int(level)} – {level.label})") for level in Level]


STATE_WORDS = {
    State.WITHDRAWN: "Återkallat",
    State.DRAFT: "Utkast",
    State.SCHEDULED: "Schemalagt",
    State.UPCOMING: "Kommande",
    State.EXPIRED: "Upphört",
    State.ENDED: "Upphört",
    State.ACTIVE: "Aktivt",
}


def state_label(item: Item, now: datetime) -> tuple[str, str]:
    """(css class, Swedish word) for a notice's state."""
    state = lifecycle.state_of(item, now)
    css = "ended" if state is State.EXPIRED else state.value
    return css, STATE_WORDS[state]


def form_values(item: Item | None) -> dict[str, Any]:
    """What the form fields show for a notice (or a new one)."""
    if item is None:
        return {"title": "", "body": "", "level": "notice", "starts": "", "expires": "",
                "url": "", "topics": [], "areas": [], "status": "published"}
    return {
        "title": item.title,
        "body": item.body,
        "level": item.level.label,
        "starts": pages.local_input(item.effective),
        "expires": pages.local_input(item.expires),
        "url": item.url or "",
        "topics": list(item.topics),
        "areas": list(item.areas),
        "status": item.status,
    }


def submitted(form: Mapping[str, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {name: form.get(name, [""])[0] for name in FORM_TEXTS}
    for name in FORM_LISTS:
        values[name] = [v for v in form.get(name, []) if v]
    values["status"] = form.get("status", [""])[0]
    return values


def changes(values: Mapping[str, Any], original: Mapping[str, Any] | None) -> dict[str, Any]:
    """The fields to send to validation: for a new notice the filled-in ones; for an existing
    one those that differ from what the form showed (so an untouched time keeps its seconds)."""
    fields: dict[str, Any] = {}
    for name, value in values.items():
        if original is None:
            if value not in ("", []):
                fields[name] = value
        elif name in FORM_LISTS and _same_boxes(value, original.get(name)):
            continue  # the same boxes ticked, whatever their order on the page
        elif value != original.get(name) and not (name == "status" and value == ""):
            fields[name] = value
    return fields


def _same_boxes(value: object, shown: object) -> bool:
    """Whether ``value`` ticks the boxes that were shown ticked (any order). Anything but a list
    of strings (a preview request may send anything) is a change, for validation to judge."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return False
    return sorted(value) == sorted(shown if isinstance(shown, list) else [])


_EMPTY: tuple[object, ...] = (None, "", [], False)


def audit_rows(entry: AuditEntry) -> list[tuple[str, object, object]]:
    """(field, before, after) for what an audit entry changed."""
    before = entry.before or {}
    after = entry.after or {}
    rows = []
    for name in dict.fromkeys([*before, *after]):
        old, new = before.get(name), after.get(name)
        if old != new and not (old in _EMPTY and new in _EMPTY):
            rows.append((name, old, new))
    return rows
