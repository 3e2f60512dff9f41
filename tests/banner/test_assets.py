"""The static output (feeder.publish.assets): what is published, and the size and safety rules
of banner.js. (Its behaviour in Chromium: test_banner_js*.py.)"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from feeder.ladder import SWEDISH_NAMES
from feeder.model import SOURCE_NAMES
from feeder.publish import assets, views

ASSETS = Path(assets.__file__).resolve().parent.parent / "assets"
BANNER_JS = (ASSETS / "banner.js").read_text(encoding="utf-8")
GZIP_BUDGET = 8 * 1024


def code_only(js: str) -> str:
    """banner.js without its comments (they may name what the code must not do)."""
    js = re.sub(r"/\*.*?\*/", "", js, flags=re.S)
    return re.sub(r"(?m)^\s*//.*$", "", js)


def test_outputs_are_the_package_files_byte_for_byte() -> None:
    out = assets.outputs()
    assert sorted(out) == ["banner.js"]  # no feed.xsl: browsers are removing XSLT
    for name, body in out.items():
        assert body == (ASSETS / name).read_bytes()
    assert assets.outputs() == out  # deterministic
    out["banner.js"] = b"changed"
    assert assets.outputs()["banner.js"] != b"changed"  # callers get their own dict


def test_banner_js_is_small() -> None:
    size = len(gzip.compress(BANNER_JS.encode(), compresslevel=9))
    assert size <= GZIP_BUDGET, f"banner.js is {size} bytes gzipped (budget {GZIP_BUDGET})"


@pytest.mark.parametrize("pattern", [
    r"\.innerHTML", r"\.outerHTML", r"insertAdjacentHTML", r"document\.write",
    r"\beval\s*\(", r"new\s+Function", r"setTimeout\(\s*['\"]", r"setInterval\(\s*['\"]",
    r"setAttribute\(\s*['\"]on", r"\.on[a-z]+\s*=", r"createContextualFragment", r"DOMParser",
    r"setAttribute\(\s*['\"](?:href|src|style)",
])
def test_banner_js_never_turns_data_into_markup_or_code(pattern: str) -> None:
    assert not re.search(pattern, code_only(BANNER_JS)), pattern


def test_banner_js_is_plain_strict_javascript() -> None:
    code = code_only(BANNER_JS)
    assert code.lstrip().startswith("(function () {\n  'use strict';")
    assert not re.search(r"\b(import|export|require)\b", code)
    assert "attachShadow" in code and "textContent" in code


def _js_object(name: str) -> dict[str, str]:
    body = re.search(r"var " + name + r" = \{(.*?)\};", BANNER_JS, re.S)
    assert body, name
    return dict(re.findall(r"(\w+): '([^']*)'", body.group(1)))


def test_banner_js_speaks_the_ladder_and_source_names() -> None:
    assert _js_object("LEVELS") == {str(int(k)): v for k, v in SWEDISH_NAMES.items()}
    assert _js_object("SOURCE_NAMES") == SOURCE_NAMES


@pytest.mark.parametrize("name", ["LEAD_FITS", "LINE_FITS", "TITLE_FITS"])
def test_banner_js_offers_visa_mer_where_banner_html_does(name: str) -> None:
    found = re.search(rf"var {name} = (\d+);", BANNER_JS)
    assert found and int(found.group(1)) == getattr(views, name)
