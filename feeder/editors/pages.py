"""Server-rendered pages of the admin form (Jinja2 lives here only), and Swedish wording."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
from starlette.responses import HTMLResponse

from ..ladder import Level
from ..timeutil import STOCKHOLM, parse_iso, swedish, to_utc

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

FIELD_NAMES = {
    "title": "Rubrik",
    "body": "Text",
    "level": "Nivå",
    "starts": "Börjar",
    "expires": "Upphör",
    "url": "Länk",
    "topics": "Ämnen",
    "areas": "Kommuner",
    "status": "Status",
    "id": "Meddelande",
    "name": "Namn",
    "password": "Lösenord",
    "withdrawn": "Återkallat",
    "editor": "Redaktör",
    "role": "Roll",
}

_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), text)
    for pattern, text in (
        (r"^is required$", "måste fyllas i."),
        (r"^must not be empty", "får inte vara tomt (markering räknas inte)."),
        (r"^is (\d+) characters; at most (\d+)$", r"har \1 tecken; högst \2 är tillåtet."),
        (r"^must be after starts$", "måste ligga efter starttiden."),
        (r"^lies in the past$", "ligger redan i det förflutna."),
        (r"^is not an ISO 8601 time", "är ingen giltig tidpunkt."),
        (r"^must be an http\(s\) URL", "måste vara en webbadress som börjar med https:// eller"
         " http://."),
        (r"^unknown topic '([^']*)'", r"okänt ämne ”\1”."),
        (r"^'([^']*)' is not a municipality", r"”\1” är ingen kommun i länet."),
        (r"^unknown level", "okänd nivå."),
        (r"^the notice is withdrawn", "meddelandet är återkallat och kan inte längre ändras."),
        (r"^unknown field$", "okänt fält."),
    )
)


def swedish_error(field: str | None, detail: str) -> str:
    """An InputError for people: the field's Swedish name and, where known, a Swedish text."""
    text = detail
    for pattern, replacement in _MESSAGES:
        match = pattern.search(detail)
        if match:
            text = match.expand(replacement)
            break
    if field is None:
        return text
    return f"{FIELD_NAMES.get(field, field)}: {text}"


def local_input(value: Any) -> str:
    """A time as an ``<input type="datetime-local">`` value (Europe/Stockholm), or ""."""
    if value is None:
        return ""
    return to_utc(value).astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M")


def _when(value: Any) -> str:
    return swedish(value) if value is not None else ""


def _show(value: Any) -> str:
    """An audit value for people."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and len(value) == 20 and value.endswith("Z"):
        try:
            return swedish(parse_iso(value))
        except ValueError:
            return value
    return str(value)


def _level_name(value: Any) -> str:
    level = Level(int(value)) if not isinstance(value, str) else Level.parse(value)
    return f"{level.swedish} ({int(level)} – {level.label})"


_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATES)),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["when"] = _when
_env.filters["level_name"] = _level_name
_env.filters["show"] = _show
_env.globals["field_name"] = lambda name: FIELD_NAMES.get(name, name)


def render_text(template: str, **context: Any) -> str:
    return _env.get_template(template).render(**context)


def page(template: str, status: int = 200, headers: dict[str, str] | None = None,
         **context: Any) -> HTMLResponse:
    return HTMLResponse(render_text(template, **context), status_code=status, headers=headers)
