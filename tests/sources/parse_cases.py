"""Data-driven parser cases: an input file and its whole expected output beside it.

Layout (``tests/sources/cases/<source>/``, see the README there)::

    <name>.<ext>                      the body, as the upstream serves it
    <name>.expected.json              what parsing it gives
    <name>.<variant>.expected.json    the same body parsed in another context (another county)

An expected file holds ``about`` (what the case shows, for people), ``context`` (what the parse
step gets besides the body: ``now``, ``region``, ``url``, the source's ``settings`` as written in
config.yaml; for VMA ``known_from``: the stored items are what another case gives; for the news
source ``step`` (``list``, ``feed`` or ``article``) and the list ``entry`` of an article), and the
result: ``items`` (every field; times ISO 8601 in UTC with ``Z``) and ``warnings``, plus
``method``, ``feed_url``, ``next_url`` and ``headings`` for a news list page, or ``error`` when the
parse fails.

:func:`run` parses a case and gives the result in that shape; the tests compare it with the
file, and ``python -m tests.sources.regen`` writes it (then read the diff, and fix the code or
the file: an expected file must be right, not merely what the code does today).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from feeder.config import from_dict
from feeder.errors import SourceError
from feeder.ladder import Level
from feeder.model import Item
from feeder.sources import krisinformation, lansstyrelsen, news_parser, smhi, vma
from feeder.sources.base import ParseContext, Parsed
from feeder.sources.news_entries import ListEntry, ListPage
from tests.common import FIXTURES

CASES = Path(__file__).parent / "cases"
EXPECTED = ".expected.json"
RESULT_KEYS = (
    "items", "warnings", "method", "feed_url", "next_url", "headings", "error",
)
"""The keys of an expected file that :func:`run` writes (``about`` and ``context`` are kept)."""

REGION = {"name": "Västernorrlands län", "county_id": 22}
DEFAULT_CONTEXT: dict[str, dict[str, Any]] = {
    "smhi": {"now": "2026-06-12T10:00:00Z", "region": REGION, "url": smhi.SPEC.url},
    "vma": {"now": "2022-06-01T07:41:00Z", "region": REGION, "url": vma.SPEC.url},
    "krisinformation": {"now": "2022-06-02T09:00:00Z", "region": REGION,
                        "url": krisinformation.SPEC.url},
    "lansstyrelsen": {"now": "2026-06-12T10:00:00Z", "region": REGION,
                      "url": lansstyrelsen.SPEC.url, "step": "list"},
}
"""The context a new case starts with (``regen`` writes it into the new expected file)."""


@dataclass(frozen=True)
class Case:
    source: str
    input: Path
    expected: Path

    @property
    def id(self) -> str:
        return f"{self.source}/{self.expected.name.removesuffix(EXPECTED)}"

    def load(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.expected.read_text(encoding="utf-8"))
        return data


def cases(source: str) -> list[Case]:
    """Every case of ``source``, in name order."""
    folder = CASES / source
    found: list[Case] = []
    for expected in sorted(folder.glob(f"*{EXPECTED}")):
        found.append(Case(source, input_of(expected), expected))
    return found


def input_of(expected: Path) -> Path:
    """The input beside an expected file: the one non-expected file whose name is its stem."""
    stem = expected.name.removesuffix(EXPECTED).split(".")[0]
    matches = [p for p in expected.parent.glob(f"{stem}.*")
               if not p.name.endswith(EXPECTED) and p.name.split(".")[0] == stem]
    if len(matches) != 1:
        raise FileNotFoundError(f"{expected.name}: expected one input {stem}.*, found"
                                f" {sorted(p.name for p in matches)}")
    return matches[0]


def inputs(source: str) -> Iterator[Path]:
    """Every input file of ``source`` (anything that is not an expected file or a README)."""
    for path in sorted((CASES / source).iterdir()):
        if not path.name.endswith(EXPECTED) and path.name != "README.md":
            yield path


def fixture_twin(path: Path) -> Path | None:
    """The file of the same name under tests/fixtures, if the case input is a copy of one."""
    twins = [p for p in FIXTURES.glob(f"*/{path.name}")]
    return twins[0] if twins else None


# --------------------------------------------------------------------------------- context


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def context_of(source: str, context: Mapping[str, Any], folder: Path) -> ParseContext:
    """The :class:`ParseContext` a case's ``context`` describes (region and settings read by
    the real config reader, so that they are validated and converted as in production)."""
    config = from_dict({
        "region": context.get("region", REGION),
        "sources": {source: dict(context.get("settings", {}))},
    })
    known: dict[str, Item] = {}
    if "known_from" in context:
        other = folder / f"{context['known_from']}{EXPECTED}"
        base = json.loads(other.read_text(encoding="utf-8"))
        parsed = _parse(source, input_of(other).read_bytes(),
                        context_of(source, base["context"], folder), base["context"])
        known = {item.id: item for item in parsed.items if isinstance(item, Item)}
    return ParseContext(
        region=config.region,
        now=parse_time(context["now"]),
        url=context.get("url", ""),
        settings=config.sources[source].settings,
        known=known,
        encoding=context.get("encoding"),
    )


def _entry(data: Mapping[str, Any] | None) -> ListEntry | None:
    if data is None:
        return None
    date = parse_time(data["date"]) if data.get("date") else None
    return ListEntry(data["url"], data["title"], date, data.get("lead", ""))


def _parse(source: str, body: bytes, ctx: ParseContext, context: Mapping[str, Any]) -> Parsed[Any]:
    if source == "lansstyrelsen":
        step = context.get("step", "list")
        if step == "article":
            return news_parser.parse_article(body, ctx, _entry(context.get("entry")))
        if step == "feed":
            return news_parser.parse_feed(body, ctx)
        return news_parser.parse(body, ctx)
    parsers: dict[str, Callable[[bytes, ParseContext], Parsed[Item]]] = {
        "smhi": smhi.parse, "vma": vma.parse, "krisinformation": krisinformation.parse,
    }
    return parsers[source](body, ctx)


# --------------------------------------------------------------------------------- results


def run(case: Case, context: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Parse the case's input in its context: the result as an expected file holds it."""
    context = case.load()["context"] if context is None else context
    body = case.input.read_bytes()
    try:
        parsed = _parse(case.source, body, context_of(case.source, context, case.input.parent),
                        context)
    except SourceError as exc:
        return {"error": {"type": type(exc).__name__, "source": exc.source,
                          "reason": exc.reason}}
    result: dict[str, Any] = {"items": [as_json(item) for item in parsed.items],
                              "warnings": list(parsed.warnings)}
    if isinstance(parsed, ListPage):
        result.update(method=parsed.method, feed_url=parsed.feed_url,
                      next_url=parsed.next_url, headings=list(parsed.headings))
    return result


def as_json(value: Item | ListEntry) -> dict[str, Any]:
    """Every field of an item (or a list entry), in declaration order, as JSON values."""
    return {f.name: _json_value(getattr(value, f.name)) for f in fields(value)}


def _json_value(value: object) -> object:
    if isinstance(value, Level):
        return value.label
    if isinstance(value, datetime):
        text = value.astimezone(UTC).isoformat()
        return text.removesuffix("+00:00") + "Z"
    if isinstance(value, tuple):
        return list(value)
    return value


def expected_result(data: Mapping[str, Any]) -> dict[str, Any]:
    """The result part of an expected file."""
    return {key: data[key] for key in RESULT_KEYS if key in data}


def dump(data: Mapping[str, Any]) -> str:
    """An expected file's text: ``about``, ``context``, then the result; UTF-8, indented."""
    order = ["about", "context", *RESULT_KEYS]
    ordered = {key: data[key] for key in order if key in data}
    return json.dumps(ordered, ensure_ascii=False, indent=2) + "\n"
