"""The source contract (feeder.sources.base) and the registry (feeder.sources.registry)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feeder.config import Region, SourceConfig, from_dict
from feeder.ladder import Level
from feeder.model import SOURCE_NAMES
from feeder.sources import (
    NAMES,
    SOURCES,
    SPECS,
    ParseContext,
    Setting,
    SourceBase,
    build_sources,
)
from feeder.sources.krisinformation import LEVEL, KrisinformationSource
from feeder.sources.lansstyrelsen import MAX_ARTICLES, LansstyrelsenSource
from feeder.sources.smhi import SmhiSource
from feeder.sources.vma import VmaSource


def test_the_registry_lists_each_source_once_in_order() -> None:
    assert NAMES == ("smhi", "lansstyrelsen", "vma", "krisinformation")
    assert (SmhiSource, LansstyrelsenSource, VmaSource, KrisinformationSource) == SOURCES
    assert [spec.name for spec in SPECS] == list(NAMES)
    assert len(set(NAMES)) == len(NAMES)


def test_display_names_agree_with_the_model() -> None:
    """``feeder.model.SOURCE_NAMES`` (also copied into banner.js) names every source as its
    spec does; ``notice`` is the editors' own."""
    assert {spec.name: spec.display_name for spec in SPECS} == {
        name: SOURCE_NAMES[name] for name in NAMES
    }
    assert set(SOURCE_NAMES) == {*NAMES, "notice"}


def test_build_sources_makes_one_instance_per_enabled_source() -> None:
    config = from_dict({"sources": {"vma": {}, "lansstyrelsen": {"enabled": False}}})
    sources = build_sources(config)
    assert list(sources) == ["smhi", "vma"]
    assert isinstance(sources["smhi"], SmhiSource) and isinstance(sources["vma"], VmaSource)
    for name, source in sources.items():
        assert source.name == name == source.spec.name
        assert source.config is config.sources[name]
    again = build_sources(config)
    assert again["smhi"] is not sources["smhi"]  # each build has its own state


def test_a_source_takes_only_its_own_config() -> None:
    config = from_dict({})
    with pytest.raises(ValueError, match="'smhi', not 'lansstyrelsen'"):
        SmhiSource(config.sources["lansstyrelsen"])


def test_settings_are_read_typed_with_their_defaults() -> None:
    config = from_dict({"sources": {"lansstyrelsen": {"max_articles": 3}}})
    news = LansstyrelsenSource(config.sources["lansstyrelsen"])
    assert news.get(MAX_ARTICLES) == 3
    bare = LansstyrelsenSource(SourceConfig("lansstyrelsen", True, "https://x.se/", 60, 600))
    assert bare.get(MAX_ARTICLES) == MAX_ARTICLES.default == 10
    wrong = LansstyrelsenSource(
        SourceConfig("lansstyrelsen", True, "https://x.se/", 60, 600, {"max_articles": "3"}))
    with pytest.raises(TypeError, match="max_articles"):
        wrong.get(MAX_ARTICLES)


def test_a_parse_context_reads_settings_the_same_way() -> None:
    region = Region("Västernorrlands län", 22, {})
    now = datetime(2026, 6, 12, 10, tzinfo=UTC)
    assert ParseContext(region, now).get(LEVEL) is Level.INFO
    assert ParseContext(region, now, settings={"level": Level.SEVERE}).get(LEVEL) is Level.SEVERE


def test_stale_after_defaults_to_four_intervals_and_at_least_ten_minutes() -> None:
    spec = SmhiSource.spec
    assert spec.stale_after is None
    assert (spec.default_stale_after(60), spec.default_stale_after(900)) == (600, 3600)


def test_every_setting_declares_its_documentation_and_a_valid_default() -> None:
    for spec in SPECS:
        for setting in spec.settings:
            assert isinstance(setting, Setting) and setting.doc
            assert isinstance(setting.default, setting.kind)
            if setting.check is not None:
                assert setting.check(setting.default) is None, (spec.name, setting.key)


def test_the_sources_share_one_base() -> None:
    assert all(issubclass(cls, SourceBase) for cls in SOURCES)
