"""Every config key the loader reads is documented in docs/config.md, and nothing else is."""

from __future__ import annotations

import re
from pathlib import Path

from feeder.config import known_keys

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
