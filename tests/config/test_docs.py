"""Every config key the loader reads is documented in docs/config.md, and nothing else is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from feeder.config import known_keys
from feeder.ladder import Level
from feeder.sources import SPECS, SourceSpec

DOC = Path(__file__).resolve().parents[2] / "docs" / "config.md"


def documented() -> set[str]:
    keys = set()
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`([a-z_.\[\]]+)`\s*\|", line)
        if match:
            keys.add(match.group(1))
    return keys


def test_every_key_is_documented() -> None:
    missing = known_keys() - documented()
    assert not missing, f"undocumented config keys: {sorted(missing)}"


def test_no_documented_key_is_unknown() -> None:
    extra = documented() - known_keys()
    assert not extra, f"documented keys the loader does not read: {sorted(extra)}"


def test_readme_points_to_the_reference() -> None:
    readme = (DOC.parent.parent / "README.md").read_text(encoding="utf-8")
    assert "docs/config.md" in readme


def rows() -> dict[str, list[str]]:
    """The table rows of docs/config.md by key: ``[type, default, meaning]``."""
    out: dict[str, list[str]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        match = re.fullmatch(r"`([a-z_.\[\]]+)`", cells[0]) if len(cells) == 4 else None
        if match:
            out[match.group(1)] = cells[1:]
    return out


def _shown(value: object) -> str:
    return f"`{value.label if isinstance(value, Level) else value}`"


@pytest.mark.parametrize("spec", SPECS, ids=[spec.name for spec in SPECS])
def test_each_source_is_documented_as_it_declares_itself(spec: SourceSpec) -> None:
    """A source's defaults and its own keys (declared in its module) are what the docs say."""
    table = rows()
    key = f"sources.{spec.name}"
    assert table[key][2] == spec.title
    enabled = "`true`" if spec.enabled_by_default else "`true` when listed"
    assert table[f"{key}.enabled"][1] == enabled
    assert table[f"{key}.url"][1] == f"`{spec.url}`"
    assert table[f"{key}.interval"][1] == f"`{spec.interval}`"
    stale = "4 × interval, at least 600" if spec.stale_after is None else f"`{spec.stale_after}`"
    assert table[f"{key}.stale_after"][1] == stale
    for setting in spec.settings:
        _, default, meaning = table[f"{key}.{setting.key}"]
        assert (default, meaning) == (_shown(setting.default), setting.doc)
