"""What an editor gives for a notice: :class:`NoticeInput`, the one type every way in (CLI
options, JSON API, web form, ``notices:`` in config.yaml) builds, before
:func:`feeder.notices.validate` checks it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Final

from ..errors import InputError
from ..model import NoticeStatus

FIELDS = ("title", "body", "level", "starts", "expires", "url", "topics", "areas", "status")
"""The fields an editor may give, in the order they are checked."""
STATUSES = tuple(status.value for status in NoticeStatus)


class Unset(Enum):
    """The type of :data:`UNSET`: a field that was not given (as opposed to one cleared)."""

    UNSET = "unset"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class NoticeInput:
    """What an editor gave for a notice, before :func:`validate`.

    :data:`UNSET` means "not given" (an update keeps the stored value). ``None`` (or ``""``)
    clears ``starts``, ``expires`` and ``url``; ``()`` clears ``topics`` and ``areas``; ``""``
    clears ``body``. A title can only be replaced, never cleared.
    """

    title: str | Unset = UNSET
    body: str | Unset = UNSET
    level: str | int | Unset = UNSET
    """A level name (``notice``) or number (``2``)."""
    starts: str | date | Unset | None = UNSET
    """ISO 8601 (or, from config.yaml, a YAML date or time: a ``date`` or ``datetime``); without
    an offset it is Europe/Stockholm, a date alone is its midnight."""
    expires: str | date | Unset | None = UNSET
    url: str | Unset | None = UNSET
    topics: tuple[str, ...] | Unset = UNSET
    areas: tuple[str, ...] | Unset = UNSET
    status: str | Unset = UNSET
    """``published`` or ``draft``."""

    def given(self) -> list[str]:
        """The names of the fields given, in :data:`FIELDS` order."""
        return [name for name in FIELDS if getattr(self, name) is not UNSET]

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> NoticeInput:
        """From untyped data (a JSON object, a YAML mapping, a submitted form): unknown fields
        and values of the wrong type are an :class:`InputError` naming the field. A null
        ``title``, ``body``, ``level``, ``topics``, ``areas`` or ``status`` counts as not
        given; a null ``starts``, ``expires`` or ``url`` clears it."""
        unknown = sorted(set(data) - set(FIELDS))
        if unknown:
            raise InputError("unknown field", unknown[0], code="unknown-field")
        return cls(
            title=_text(data, "title"),
            body=_text(data, "body"),
            level=_level(data),
            starts=_time(data, "starts"),
            expires=_time(data, "expires"),
            url=_url(data),
            topics=_codes(data, "topics"),
            areas=_codes(data, "areas"),
            status=_status(data),
        )


def _text(data: Mapping[str, object], name: str) -> str | Unset:
    value = data.get(name)
    if value is None:
        return UNSET
    if not isinstance(value, str):
        raise InputError("must be a string", name, code="wrong-type")
    return value


def _level(data: Mapping[str, object]) -> str | int | Unset:
    value = data.get("level")
    if value is None:
        return UNSET
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise InputError("must be a level name", "level", code="wrong-type")
    return value


def _time(data: Mapping[str, object], name: str) -> str | date | Unset | None:
    if name not in data:
        return UNSET
    value = data[name]
    if value is None or isinstance(value, str | date):  # a datetime is a date
        return value
    raise InputError("must be an ISO 8601 time as a string", name, code="wrong-type")


def _url(data: Mapping[str, object]) -> str | Unset | None:
    if "url" not in data:
        return UNSET
    value = data["url"]
    if value is None or isinstance(value, str):
        return value
    raise InputError("must be a string", "url", code="wrong-type")


def _codes(data: Mapping[str, object], name: str) -> tuple[str, ...] | Unset:
    value = data.get(name)
    if value is None:
        return UNSET
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str | int) for v in value):
        raise InputError("must be a list of strings", name, code="wrong-type")
    return tuple(str(v) for v in value)


def _status(data: Mapping[str, object]) -> str | Unset:
    value = data.get("status")
    if value is None:
        return UNSET
    if not isinstance(value, str):
        raise InputError(f"must be one of {', '.join(STATUSES)}, got {value!r}", "status",
                         code="unknown-status")
    return value
