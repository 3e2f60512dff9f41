"""The parser cases themselves (tests/sources/cases): complete, described, and true to the fixtures
they copy. The cases run in one parametrised ``test_case`` per source's parser test module."""

from __future__ import annotations

import pytest

from feeder.sources import NAMES
from tests.sources.parse_cases import CASES, EXPECTED, cases, fixture_twin, input_of, inputs
from tests.sources.regen import TODO


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
        assert data.get("about") and data["about"] != TODO, case.id
        assert {"now", "region", "url"} <= set(data["context"]), case.id
        assert ("error" in data) != ("items" in data), case.id


@pytest.mark.parametrize("source", NAMES)
def test_inputs_named_after_a_fixture_are_copies_of_it(source: str) -> None:
    for path in inputs(source):
        twin = fixture_twin(path)
        if twin is not None:
            assert path.read_bytes() == twin.read_bytes(), f"{path.name} differs from {twin}"
