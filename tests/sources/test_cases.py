"""The parser cases themselves (tests/sources/cases): complete, described, and true to the fixtures
they copy. The cases run in one parametrised ``test_case`` per source's parser test module."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from feeder.sources import NAMES
from tests.sources import regen
from tests.sources.parse_cases import (
    CASES,
    EXPECTED,
    Case,
    cases,
    dump,
    fixture_twin,
    input_of,
    inputs,
)


def test_every_source_has_cases_and_every_folder_is_a_source() -> None:
    folders = sorted(p.name for p in CASES.iterdir() if p.is_dir())
    assert folders == sorted(NAMES)
    for source in NAMES:
        assert cases(source), source


@pytest.mark.parametrize("source", NAMES)
def test_every_input_has_its_expected_output_and_the_reverse(source: str) -> None:
    inputs_used = {case.input for case in cases(source)}  # each expected file has one input
    assert set(inputs(source)) == inputs_used
    for expected in (CASES / source).glob(f"*{EXPECTED}"):
        assert input_of(expected).parent == CASES / source


@pytest.mark.parametrize("source", NAMES)
def test_every_case_says_what_it_shows_and_in_which_context(source: str) -> None:
    for case in cases(source):
        data = case.load()
        assert data.get("about") and data["about"] != regen.TODO, case.id
        assert {"now", "region", "url"} <= set(data["context"]), case.id
        assert ("error" in data) != ("items" in data), case.id


@pytest.mark.parametrize("source", NAMES)
def test_inputs_named_after_a_fixture_are_copies_of_it(source: str) -> None:
    for path in inputs(source):
        twin = fixture_twin(path)
        if twin is not None:
            assert path.read_bytes() == twin.read_bytes(), f"{path.name} differs from {twin}"


def test_regen_check_finds_every_expected_file_up_to_date(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert regen.main(["--check"]) == 0
    assert "0 would change" in capsys.readouterr().out


def test_regen_rewrites_a_wrong_expected_file_and_keeps_its_description(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [case] = [c for c in cases("smhi") if c.id == "smhi/ibww_updated"]
    copy = Case("smhi", tmp_path / case.input.name, tmp_path / case.expected.name)
    shutil.copy(case.input, copy.input)
    data = case.load()
    data["items"][0]["title"] = "Fel rubrik"
    copy.expected.write_text(dump(data), encoding="utf-8")
    assert regen.regenerate(copy, write=False) is True
    assert "Fel rubrik" in copy.expected.read_text(encoding="utf-8")  # --check writes nothing
    assert regen.regenerate(copy, write=True) is True
    assert copy.load() == case.load()  # about and context kept, the result corrected
    assert regen.regenerate(copy, write=True) is False
    assert '-      "title": "Fel rubrik"' in capsys.readouterr().out
