"""The one exception hierarchy (feeder.errors): what an error carries can always be answered,
whatever text it repeats."""

from __future__ import annotations

import json

from feeder.errors import (
    ConfigError,
    FeederError,
    InputError,
    PublishError,
    SourceError,
    printable,
    quote,
)


def test_a_lone_surrogate_in_a_message_field_or_param_becomes_its_escape() -> None:
    err = InputError("unknown topic '\ud800'", "top\udcffics", code="unknown-topic",
                     params={"value": "x\ud800", "limit": 5})
    assert (err.detail, err.field) == ("unknown topic '\\ud800'", "top\\udcffics")
    assert err.params == {"value": "x\\ud800", "limit": 5}
    assert str(err) == "top\\udcffics: unknown topic '\\ud800'"
    # every answer that repeats it can be encoded
    json.dumps({"error": err.detail, "field": err.field}, ensure_ascii=False).encode("utf-8")
    str(err).encode("utf-8")
    for other in (FeederError("a\ud800"), ConfigError("b\ud800", "notices[0].\ud800"),
                  SourceError("smhi", "c\ud800"), PublishError("d\ud800", "notice:x")):
        str(other).encode("utf-8")
        other.detail.encode("utf-8")


def test_a_long_field_name_is_cut() -> None:
    err = InputError("unknown field", "x" * 10_000)
    assert err.field is not None and len(err.field) == 100 and err.field.endswith("…")


def test_printable_leaves_text_alone() -> None:
    text = "Kokvatten i Ångermanland\n\x0b\ufffe"
    assert printable(text) == text
    assert printable("\ud800") == "\\ud800"


def test_quote_repeats_a_value_short_with_escapes_visible() -> None:
    assert quote("nope") == "'nope'"
    assert quote("a\x00b") == "'a\\x00b'"
    assert quote("x" * 1000) == "'" + "x" * 60 + "'…"
    assert quote(5) == "5"
