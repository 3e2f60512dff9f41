"""Does an area named by a national service concern our county, and which municipalities?

Used by the VMA and Krisinformation sources. An upstream area is reduced to :class:`AreaRef`
(what kind of place, which code or name); :func:`match` then says whether a set of them concerns
the configured county, and with which municipality codes (``areas``; empty = the whole county).

Codes first, names only as a fallback:

- a 4-digit SCB municipality code (``2281``) concerns the county whose code is its first two
  digits (SCB codes are built that way), or any code listed in ``region.municipalities``;
- a county code (``22``, also ``"22"`` as a geocode value) or the county's NUTS3 code (``SE321``),
  or a NUTS1/NUTS2 code that contains it (``SE3``, ``SE32``), concerns the whole county;
- ``00``, ``0``, ``SE`` (NUTS0) or an area called "Sverige" / "Hela Sverige" / "Hela landet"
  concerns all of Sweden, and so the whole county, **only when no county or municipality is
  named beside it**: real Krisinformation entries (and VMAs) carry ``Country: Sverige`` *and*
  the county or place they concern, and then they concern those places alone (a VMA for Skåne is
  never critical in Västernorrland);
- an area carrying no code at all (Krisinformation's ``Area`` has only ``Type`` and
  ``Description``) is matched by name: the county's name with or without "län", or a
  municipality's name from ``region.municipalities`` with or without "kommun".

Which municipalities (``areas``): the municipality codes of the county that the message names;
the county named beside them is read as their container (Sveriges Radio names both: "i
Sundsvall, Västernorrlands län"), so the item targets those municipalities. Named without any of
its municipalities, or with all of Sweden (or a NUTS1/NUTS2 region around the county), the item
targets the whole county: ``areas == ()``.

The table :data:`COUNTIES` holds all 21 counties with their SCB code, name and NUTS3 code
(NUTS 2021), so any configured ``region.county_id`` is supported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Region


@dataclass(frozen=True, slots=True)
class County:
    code: int
    name: str
    nuts3: str


COUNTIES: dict[int, County] = {
    c.code: c
    for c in (
        County(1, "Stockholms län", "SE110"),
        County(3, "Uppsala län", "SE121"),
        County(4, "Södermanlands län", "SE122"),
        County(5, "Östergötlands län", "SE123"),
        County(6, "Jönköpings län", "SE211"),
        County(7, "Kronobergs län", "SE212"),
        County(8, "Kalmar län", "SE213"),
        County(9, "Gotlands län", "SE214"),
        County(10, "Blekinge län", "SE221"),
        County(12, "Skåne län", "SE224"),
        County(13, "Hallands län", "SE231"),
        County(14, "Västra Götalands län", "SE232"),
        County(17, "Värmlands län", "SE311"),
        County(18, "Örebro län", "SE124"),
        County(19, "Västmanlands län", "SE125"),
        County(20, "Dalarnas län", "SE312"),
        County(21, "Gävleborgs län", "SE313"),
        County(22, "Västernorrlands län", "SE321"),
        County(23, "Jämtlands län", "SE322"),
        County(24, "Västerbottens län", "SE331"),
        County(25, "Norrbottens län", "SE332"),
    )
}

SWEDEN_NAMES = frozenset({"sverige", "hela sverige", "hela landet", "sweden", "riket", "landet"})
"""Area names (normalised) that mean all of Sweden."""

# Kinds of AreaRef
SWEDEN = "sweden"
COUNTY = "county"
MUNICIPALITY = "municipality"
NUTS = "nuts"
NAME = "name"


@dataclass(frozen=True, slots=True)
class AreaRef:
    """One place an upstream message names: its kind and its code (or name, for ``NAME``)."""

    kind: str
    value: str
    hint: str = ""
    """For ``NAME``: the upstream's own type word (``County``, ``Municipality``, ``Country``)."""


@dataclass(frozen=True, slots=True)
class AreaMatch:
    concerns: bool
    areas: tuple[str, ...] = ()
    """Municipality codes of the county the message names; () = the whole county (or none)."""


_MUNICIPALITY = re.compile(r"^\d{4}$")
_COUNTY = re.compile(r"^\d{1,2}$")
_NUTS = re.compile(r"^SE(\d{0,3})$")


def from_code(value: object, value_name: str = "") -> AreaRef | None:
    """An :class:`AreaRef` from a geocode value (``2281``, ``22``, ``SE321``, ``00``), or None.

    ``value_name`` (CAP's ``valueName``) is only a hint: the shape of the value decides.
    """
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip().upper()
    if not text:
        return None
    if text in ("0", "00", "SE", "SE0", "SE00"):
        return AreaRef(SWEDEN, "SE")
    if _MUNICIPALITY.match(text):
        return AreaRef(MUNICIPALITY, text)
    if _COUNTY.match(text):
        return AreaRef(COUNTY, str(int(text)))
    if _NUTS.match(text):
        return AreaRef(NUTS, text)
    return None


def from_name(name: object, hint: object = "") -> AreaRef | None:
    """An :class:`AreaRef` for an area known only by its name (and its type word)."""
    if not isinstance(name, str) or not name.strip():
        return None
    kind_hint = hint.strip().lower() if isinstance(hint, str) else ""
    if _normal(name) in SWEDEN_NAMES or kind_hint in ("country", "land", "nation", "national"):
        return AreaRef(SWEDEN, "SE")
    return AreaRef(NAME, name.strip(), kind_hint)


def from_named_areas(value: object) -> list[AreaRef]:
    """The places of a Krisinformation ``Area`` list (``Description`` + ``Type``, no codes);
    anything that is not a readable area is left out."""
    if not isinstance(value, list):
        return []
    refs = (
        from_name(area.get("Description"), area.get("Type"))
        for area in value
        if isinstance(area, dict)
    )
    return [ref for ref in refs if ref is not None]


def match(refs: Iterable[AreaRef], region: Region) -> AreaMatch:
    """Whether the places ``refs`` concern ``region`` and which of its municipalities they name.

    The most specific places win: a message that names municipalities of the county targets
    those (``areas == ("2281",)``), even when it also names the county itself, which Sveriges
    Radio does as the container ("i Sundsvall, Västernorrlands län"). A message that names the
    county but none of its municipalities targets the whole county (``areas == ()``). All of
    Sweden counts (as the whole county) only when no county or municipality is named beside it:
    ``Country: Sverige`` with ``County: Skåne län`` concerns Skåne alone.
    """
    county = region.county_id
    prefix = f"{county:02d}"
    nuts3 = COUNTIES[county].nuts3 if county in COUNTIES else None
    county_names = {_county_key(region.name)}
    if county in COUNTIES:
        county_names.add(_county_key(COUNTIES[county].name))
    muni_names = {_muni_key(name): code for code, name in region.municipalities.items()}

    nation = False
    region_wide = False
    local = False  # some county, municipality or region (ours or not) is named
    whole = False
    codes: set[str] = set()
    for ref in refs:
        if ref.kind == SWEDEN:
            nation = True
        elif ref.kind == COUNTY:
            local = True
            whole = whole or int(ref.value) == county
        elif ref.kind == NUTS:
            local = True
            if nuts3 is not None and nuts3.startswith(ref.value):
                if len(ref.value) < len(nuts3):
                    region_wide = True  # a NUTS1/NUTS2 region: larger than the county
                else:
                    whole = True
        elif ref.kind == MUNICIPALITY:
            local = True
            if ref.value.startswith(prefix) or ref.value in region.municipalities:
                codes.add(ref.value)
        elif ref.kind == NAME:
            named_county = _county_key(ref.value) in county_names
            code = muni_names.get(_muni_key(ref.value))
            local = local or _names_a_place(ref) or named_county or code is not None
            if ref.hint not in ("municipality", "kommun") and named_county:
                whole = True
            elif ref.hint not in ("county", "län", "lan") and code is not None:
                codes.add(code)
    if codes:
        return AreaMatch(True, tuple(sorted(codes)))
    if whole or region_wide:
        return AreaMatch(True, ())
    if nation and not local:
        return AreaMatch(True, ())
    return AreaMatch(False)


_LOCAL_HINTS = frozenset({"county", "län", "lan", "municipality", "kommun", "region"})


def _names_a_place(ref: AreaRef) -> bool:
    """A named area that is a county or municipality (by its type word, or by a name ending in
    "län" or "kommun"), whichever county it is in."""
    if ref.hint in _LOCAL_HINTS:
        return True
    return bool(re.search(r"\s(?:län|kommun)$", _normal(ref.value)))


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFC", text).strip().lower()
    return re.sub(r"\s+", " ", text)


def _genitive(text: str) -> str:
    return text[:-1] if text.endswith("s") else text


def _county_key(name: str) -> str:
    """``Västernorrlands län`` / ``Västernorrland`` / ``västernorrlands`` → ``västernorrland``."""
    text = _normal(name)
    text = re.sub(r"\s+län$", "", text)
    return _genitive(text)


def _muni_key(name: str) -> str:
    """``Sundsvalls kommun`` / ``Sundsvall`` → ``sundsvall``."""
    text = _normal(name)
    text = re.sub(r"\s+kommun$", "", text)
    return _genitive(text)
