"""Reading a YAML mapping key by key, with the key's dotted path in every error."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, TypeVar
from urllib.parse import urlsplit

from ..errors import ConfigError
from ..ladder import Level

T = TypeVar("T")


class Section:
    """One mapping of the YAML file, read key by key with the key's dotted path in every error.

    ``seen`` collects the generic path of every key read (``topics[].id``), whether present or
    not; a section and the sections read from it share one set (the documentation test lists the
    keys from it).
    """

    def __init__(self, data: object, path: str, seen: set[str] | None = None) -> None:
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ConfigError(f"must be a mapping, got {_kind(data)}", path or "(top level)")
        self.data: dict[str, Any] = data
        self.path = path
        self.used: set[str] = set()
        self.seen: set[str] = seen if seen is not None else set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def get(
        self,
        name: str,
        kind: type[T] | tuple[type, ...],
        default: T | None = None,
        *,
        required: bool = False,
        check: Callable[[Any], str | None] | None = None,
    ) -> Any:
        self.seen.add(_generic(self.key(name)))
        self.used.add(name)
        if name not in self.data or self.data[name] is None:
            if required:
                raise ConfigError("is required", self.key(name))
            return default
        value = self.data[name]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, bool) and bool not in kinds:
            raise ConfigError(f"must be {_names(kinds)}, got a boolean", self.key(name))
        if not isinstance(value, kinds):
            raise ConfigError(f"must be {_names(kinds)}, got {_kind(value)}", self.key(name))
        if check is not None:
            problem = check(value)
            if problem:
                raise ConfigError(problem, self.key(name))
        return value

    def section(self, name: str) -> Section:
        self.seen.add(_generic(self.key(name)))
        self.used.add(name)
        return Section(self.data.get(name), self.key(name), self.seen)

    def items(self, name: str) -> Iterator[Section]:
        self.seen.add(_generic(self.key(name)))
        self.used.add(name)
        value = self.data.get(name)
        if value is None:
            return
        if not isinstance(value, list):
            raise ConfigError(f"must be a list, got {_kind(value)}", self.key(name))
        for index, entry in enumerate(value):
            yield Section(entry, f"{self.key(name)}[{index}]", self.seen)

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.used, key=str)
        if unknown:
            raise ConfigError("unknown key", self.key(str(unknown[0])))


def _generic(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path)


def _kind(value: object) -> str:
    return {
        dict: "a mapping", list: "a list", str: "a string", int: "a number",
        float: "a number", bool: "a boolean", type(None): "nothing",
    }.get(type(value), type(value).__name__)


def _names(kinds: tuple[type, ...]) -> str:
    words = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
             list: "a list", dict: "a mapping", date: "a date"}
    return " or ".join(words.get(k, k.__name__) for k in kinds)


def positive(value: float) -> str | None:
    return None if value > 0 else f"must be greater than 0, got {value}"


def between(low: float, high: float, unit: str = "", *, above: bool = False
            ) -> Callable[[float], str | None]:
    """A check for ``low <= value <= high`` (``above``: ``low < value``), saying the bounds.
    Every number feeder computes with has an upper bound: a year of seconds overflows nothing,
    10**12 seconds overflows the dates computed from it."""
    def check(value: float) -> str | None:
        if (value > low if above else value >= low) and value <= high:
            return None
        lower = f"greater than {_num(low)}" if above else f"at least {_num(low)}"
        return f"must be {lower} and at most {_num(high)}{unit}, got {_num(value)}"
    return check


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def port_number(value: int) -> str | None:
    return None if 1 <= value <= 65535 else f"must be a port number 1-65535, got {value}"


def http_url(value: str) -> str | None:
    try:
        parts = urlsplit(value)
    except ValueError:  # "http://[" (an unclosed IPv6 address)
        return f"must be an http(s) URL, got {value!r}"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"must be an http(s) URL, got {value!r}"
    return None


def hub_url(value: str) -> str | None:
    """An http(s) URL that can go as it is into an XML attribute and an HTTP ``Link`` header:
    printable ASCII without spaces, quotes, angle brackets or a fragment."""
    problem = http_url(value)
    if problem:
        return problem
    if not value.isascii() or any(c.isspace() or not c.isprintable() or c in '<>"\\`{}|^'
                                  for c in value):
        return f"must be a plain ASCII URL (percent-encode anything else), got {value!r}"
    if "#" in value:
        return f"must not have a fragment (#...), got {value!r}"
    return None


def nonempty(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


def level_check(value: str | int) -> str | None:
    try:
        Level.parse(value)
    except ValueError as exc:
        return str(exc)
    return None


_TOPIC_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def topic_id(value: str) -> str | None:
    if _TOPIC_ID.match(value):
        return None
    return f"must be lower-case letters, digits and '-', got {value!r} (it names files)"


