"""Server-rendered pages of the admin form (templates through :mod:`feeder.templating`), and
Swedish wording."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse

from ..errors import (
    AuthError,
    InputError,
    NotFoundError,
    PublishError,
    StoreBusyError,
    StoreError,
)
from ..ladder import Level
from ..templating import Templates
from ..timeutil import STOCKHOLM, parse_iso, swedish, to_utc

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

SWEDISH = {
    "required": "måste fyllas i.",
    "choose": "måste väljas.",
    "empty": "får inte vara tomt (markering och osynliga tecken räknas inte).",
    "too-long": "har {length} tecken; högst {limit} är tillåtet.",
    "before-start": "måste ligga efter starttiden.",
    "past": "ligger redan i det förflutna.",
    "not-a-time": "är ingen giltig tidpunkt.",
    "out-of-range": "måste ligga mellan åren {min} och {max}.",
    "not-a-url": "måste vara en webbadress som börjar med https:// eller http://, utan"
                 " mellanslag, citattecken, <, > eller `.",
    "too-many": "har {count} val; högst {limit} är tillåtet.",
    "unknown-topic": "okänt ämne ”{value}”.",
    "unknown-area": "”{value}” är ingen kommun i länet.",
    "unknown-level": "okänd nivå.",
    "unknown-status": "okänd status.",
    "withdrawn": "meddelandet är återkallat och kan inte längre ändras.",
    "unknown-field": "okänt fält.",
    "wrong-type": "har fel typ av värde.",
    "not-utf8": "innehåller tecken som inte är UTF-8; skriv in texten igen.",
    "unreadable": "Formuläret kunde inte läsas; ladda om sidan och försök igen.",
}
"""Swedish wording by :attr:`InputError.code <feeder.errors.InputError>`, filled from its
``params``. Errors without one here keep their (English) message."""


def swedish_text(exc: InputError) -> str:
    """What is wrong, in Swedish where its code is known, without the field's name (shown
    next to its field): "Måste fyllas i." """
    template = SWEDISH.get(exc.code)
    text = template.format(**exc.params) if template is not None else exc.detail
    return text[:1].upper() + text[1:]


def swedish_error(exc: InputError) -> str:
    """An InputError for people: the field's Swedish name and, where known, a Swedish text."""
    template = SWEDISH.get(exc.code)
    text = template.format(**exc.params) if template is not None else exc.detail
    if exc.field is None:
        return text
    return f"{FIELD_NAMES.get(exc.field, exc.field)}: {text}"


NOT_FOUND = "Det finns inget sådant meddelande."


def failure_message(exc: BaseException) -> str:
    """What went wrong, for an editor, in Swedish (the form's error page). Never internals."""
    if isinstance(exc, PublishError):
        return ("Ändringen är sparad, men publiceringen misslyckades. Den publiceras vid"
                " nästa lyckade publicering; kontakta driften om det dröjer.")
    if isinstance(exc, StoreBusyError):
        return "Databasen är upptagen just nu. Försök igen om en stund; inget har sparats."
    if isinstance(exc, StoreError):
        return "Databasen kan inte användas just nu; inget har sparats. Kontakta driften."
    if isinstance(exc, InputError):
        return swedish_error(exc)
    if isinstance(exc, NotFoundError):
        return NOT_FOUND
    if isinstance(exc, AuthError):
        if exc.status == 403:
            return ("Begäran avvisades: den kom inte från redaktörernas formulär på den här"
                    " webbplatsen. Ladda om sidan och försök igen.")
        if exc.status == 429:
            return "För många misslyckade försök. Försök igen om en stund."
        return "Du är inte inloggad."
    if isinstance(exc, HTTPException):
        if exc.status_code == 404:
            return "Sidan finns inte."
        if exc.status_code == 405:
            return "Sidan kan inte användas på det sättet."
        phrase = HTTPStatus(exc.status_code).phrase
        return f"Begäran kunde inte besvaras ({exc.status_code} {phrase})."
    return ("Ett oväntat fel inträffade; det är loggat. Försök igen, och kontakta driften om"
            " det upprepas.")


def local_input(value: Any) -> str:
    """A time as an ``<input type="datetime-local">`` value (Europe/Stockholm), or ""."""
    if value is None:
        return ""
    return to_utc(value).astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M")


def _when(value: Any) -> str:
    return swedish(value) if value is not None else ""


def show(value: Any) -> str:
    """An audit value for people (:func:`feeder.editors.form.shown` knows the fields)."""
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
    """A level's Swedish name ("Meddelande"), from its number or its ladder name."""
    level = Level(int(value)) if not isinstance(value, str) else Level.parse(value)
    return level.swedish


_templates = Templates(
    filters={"when": _when, "level_name": _level_name, "show": show},
    globals={"field_name": lambda name: FIELD_NAMES.get(name, name)},
)


def render_text(template: str, **context: Any) -> str:
    return _templates.render(template, **context)


def page(template: str, status: int = 200, headers: dict[str, str] | None = None,
         **context: Any) -> HTMLResponse:
    return HTMLResponse(render_text(template, **context), status_code=status, headers=headers)
