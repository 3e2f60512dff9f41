"""The admin form's data: what its fields show for a notice, what a submitted form changed, every
error of a submission at once, a notice's state and who changed it in Swedish, and what an audit
entry changed. Pure functions, no requests."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from .. import lifecycle
from ..errors import InputError
from ..ladder import Level
from ..lifecycle import State
from ..model import AuditAction, AuditEntry, Item
from ..notices.fields import FIELDS
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
LEVELS = [(level.label, level.swedish) for level in Level]
"""The form's choice of level: its value (``notice``) and its Swedish name ("Meddelande")."""


STATE_WORDS = {
    State.WITHDRAWN: "Återkallad",
    State.DRAFT: "Utkast",
    State.SCHEDULED: "Schemalagd",
    State.UPCOMING: "Kommande",
    State.EXPIRED: "Upphörd",
    State.ENDED: "Avslutad",
    State.ACTIVE: "Publicerad",
}
STATUS_WORDS = {"published": "Publicerad", "draft": "Utkast"}
"""A notice's stored status (``published``, ``draft``) in Swedish."""
ROLE_WORDS = {"editor": "redaktör", "publisher": "publicist"}
"""An editor's role in Swedish."""


def state_label(item: Item, now: datetime) -> tuple[str, str]:
    """(css class, Swedish word) for a notice's state."""
    state = lifecycle.state_of(item, now)
    css = "ended" if state is State.EXPIRED else state.value
    return css, STATE_WORDS[state]


def actor_name(actor: str) -> str:
    """Who did something, for people: an editor's name; ``kommandoraden (anna)`` for the command
    line (stored as ``cli:anna``); ``config.yaml`` for a standing notice."""
    if actor == "cli":
        return "kommandoraden"
    if actor.startswith("cli:"):
        return f"kommandoraden ({actor[4:]})"
    return actor


def form_values(item: Item | None) -> dict[str, Any]:
    """What the form fields show for a notice (or a new one: no level chosen yet)."""
    if item is None:
        return {"title": "", "body": "", "level": "", "starts": "", "expires": "",
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


def field_errors(
    check: Callable[[dict[str, Any]], object], fields: Mapping[str, Any]
) -> dict[str, InputError]:
    """Every field's error at once, by field: ``check`` (a validation that raises the first
    :class:`InputError` it finds) is run again without each field found wrong (a wrong title is
    replaced by a valid one, since a title is required), until it passes. An error without a
    field ends the search. {} when ``fields`` pass."""
    trial = dict(fields)
    found: dict[str, InputError] = {}
    for _ in range(len(FIELDS) + 2):
        try:
            check(trial)
        except InputError as exc:
            name = exc.field or ""
            if name in found or name not in FIELDS:
                found.setdefault(name, exc)
                return found
            found[name] = exc
            if name == "title":
                trial[name] = "–"
            else:
                trial.pop(name, None)
        else:
            return found
    return found


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


def shown(name: str, value: object, municipalities: Mapping[str, str],
          topics: Mapping[str, str]) -> str:
    """An audit value for people, in Swedish: levels, statuses, municipalities and topics by
    name, times in Swedish time, yes/no, "–" for nothing."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if name == "areas" and isinstance(value, list):
        return ", ".join(municipalities.get(str(v), str(v)) for v in value)
    if name == "topics" and isinstance(value, list):
        return ", ".join(topics.get(str(v), str(v)) for v in value)
    if name == "level" and isinstance(value, str | int):
        try:
            return (Level(value) if isinstance(value, int) else Level.parse(value)).swedish
        except ValueError:
            return str(value)
    if name == "status" and isinstance(value, str):
        return STATUS_WORDS.get(value, value)
    if name == "role" and isinstance(value, str):
        return ROLE_WORDS.get(value, value)
    return pages.show(value)
