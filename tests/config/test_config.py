from __future__ import annotations

from pathlib import Path

import pytest

from feeder import config as config_mod
from feeder.errors import ConfigError
from feeder.ladder import Level

REPO = Path(__file__).resolve().parents[2]


def test_shipped_config_is_valid_and_for_vasternorrland() -> None:
    cfg = config_mod.load(REPO / "config.yaml")
    assert cfg.region.county_id == 22
    assert cfg.region.name == "Västernorrlands län"
    assert cfg.storage.database == REPO / "var" / "feeder.sqlite3"
    assert cfg.storage.output_dir == REPO / "var" / "public"
    assert cfg.banner.min_level is Level.NOTICE
    assert "handlingsplan-mot-vald" in [t.id for t in cfg.topics]
    assert set(cfg.enabled_sources) == {"smhi", "lansstyrelsen", "vma", "krisinformation"}


def test_empty_file_gives_working_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("", encoding="utf-8")
    cfg = config_mod.load(path)
    assert cfg.server.port == 8080
    assert cfg.server.public_url == "http://127.0.0.1:8080/"
    assert cfg.storage.database == tmp_path / "var" / "feeder.sqlite3"
    assert cfg.enabled_sources == ["smhi", "lansstyrelsen"]
    assert cfg.region.municipalities["2281"] == "Sundsvall"
    assert cfg.feeds.websub_hub is None


def test_a_websub_hub_is_read(tmp_path: Path) -> None:
    cfg = config_mod.from_dict({"feeds": {"websub_hub": "https://hub.example.se/?x=1&y=2"}},
                               tmp_path / "config.yaml")
    assert cfg.feeds.websub_hub == "https://hub.example.se/?x=1&y=2"


@pytest.mark.parametrize(
    ("data", "key", "words"),
    [
        ({"regoin": {}}, "regoin", "unknown key"),
        ({"region": {"county_id": "22"}}, "region.county_id", "must be an integer"),
        ({"region": {"county_id": 0}}, "region.county_id", "1-99"),
        ({"region": {"county_id": True}}, "region.county_id", "boolean"),
        ({"region": []}, "region", "mapping"),
        ({"server": {"port": 70000}}, "server.port", "port"),
        ({"server": {"public_url": "ftp://x/"}}, "server.public_url", "http(s) URL"),
        ({"server": {"public_url": "http://["}}, "server.public_url", "http(s) URL"),
        ({"feeds": {"websub_hub": "mailto:hub@example.se"}}, "feeds.websub_hub", "http(s) URL"),
        ({"feeds": {"websub_hub": "https://hub.example.se/a b"}}, "feeds.websub_hub",
         "plain ASCII URL"),
        ({"feeds": {"websub_hub": 'https://hub.example.se/"x'}}, "feeds.websub_hub",
         "plain ASCII URL"),
        ({"feeds": {"websub_hub": "https://hub.example.se/#x"}}, "feeds.websub_hub",
         "fragment"),
        ({"feeds": {"websub_hub": 5}}, "feeds.websub_hub", "must be a string"),
        ({"banner": {"min_level": "loud"}}, "banner.min_level", "unknown level"),
        ({"sources": {"smhi": {"interval": -5}}}, "sources.smhi.interval", "greater than 0"),
        ({"sources": {"smhi": {"interval": 600, "stale_after": 60}}},
         "sources.smhi.stale_after", "at least the interval"),
        ({"sources": {"smhi": {"url": "not a url"}}}, "sources.smhi.url", "URL"),
        ({"sources": {"smhi": {"colour": "red"}}}, "sources.smhi.colour", "unknown key"),
        ({"sources": {"twitter": {}}}, "sources.twitter", "unknown key"),
        ({"sources": {"lansstyrelsen": {"article_delay": -1}}},
         "sources.lansstyrelsen.article_delay", "0 or more"),
        ({"sources": {"lansstyrelsen": {"article_delay": "1s"}}},
         "sources.lansstyrelsen.article_delay", "must be a number"),
        ({"sources": {"lansstyrelsen": {"max_articles": 0}}},
         "sources.lansstyrelsen.max_articles", "greater than 0"),
        ({"sources": {"lansstyrelsen": {"max_articles": 2.5}}},
         "sources.lansstyrelsen.max_articles", "must be an integer"),
        ({"sources": {"krisinformation": {"level": "loud"}}},
         "sources.krisinformation.level", "unknown level"),
        ({"sources": {"krisinformation": {"level": 9}}},
         "sources.krisinformation.level", "use 1-5"),
        ({"sources": {"vma": {"level": "info"}}}, "sources.vma.level", "unknown key"),
        ({"topics": {"id": "x"}}, "topics", "must be a list"),
        ({"topics": [{"title": "X"}]}, "topics[0].id", "required"),
        ({"topics": [{"id": "Bad Id", "title": "X"}]}, "topics[0].id", "lower-case"),
        ({"topics": [{"id": "a", "title": "A"}, {"id": "a", "title": "B"}]},
         "topics[1].id", "duplicate"),
        ({"topics": [{"id": "a", "title": "A", "match": [""]}]}, "topics[0].match[0]", "non-empty"),
        ({"notices": [{"id": "n1"}]}, "notices[0].title", "required"),
        ({"notices": [{"id": "n1", "title": 5}]}, "notices[0].title", "must be a string"),
        ({"notices": [{"id": "n1", "title": "T", "expires": 2030}]},
         "notices[0].expires", "must be a string or a date"),
        ({"notices": [{"id": "n1", "title": "T", "areas": [["2281"]]}]},
         "notices[0].areas[0]", "must be a string"),
        ({"storage": {"database": ""}}, "storage.database", "empty"),
        ({"http": {"read_timeout": 0}}, "http.read_timeout", "greater than 0"),
        ({"region": {"municipalities": {"22x1": "X"}}}, "region.municipalities", "4 digits"),
    ],
)
def test_bad_values_name_the_key(data: dict[str, object], key: str, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        config_mod.from_dict(data)
    assert info.value.key == key
    assert words in str(info.value)
    assert str(info.value).startswith(key)


def test_invalid_yaml_says_where(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("region:\n  name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        config_mod.load(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        config_mod.load(tmp_path / "nope.yaml")


def test_config_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "other.yaml"
    path.write_text("region: {name: Testlän, county_id: 21}\n", encoding="utf-8")
    monkeypatch.setenv("FEEDER_CONFIG", str(path))
    assert config_mod.load().region.county_id == 21


def test_secret_key_from_env_or_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FEEDER_SECRET_KEY", raising=False)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    assert config_mod.secret_key() is None
    (tmp_path / "secret_key").write_bytes(b"from-credentials\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    assert config_mod.secret_key() == b"from-credentials"
    monkeypatch.setenv("FEEDER_SECRET_KEY", "from-env")
    assert config_mod.secret_key() == b"from-env"


def test_secrets_are_not_config_keys() -> None:
    assert not any("secret" in key or "password" in key for key in config_mod.known_keys())


def test_sources_own_settings_are_read_typed_with_their_defaults() -> None:
    cfg = config_mod.from_dict({"sources": {"krisinformation": {"level": 3},
                                            "lansstyrelsen": {"article_delay": 2}}})
    assert cfg.sources["krisinformation"].settings == {"level": Level.WARNING}
    assert cfg.sources["lansstyrelsen"].settings == {"max_articles": 10, "article_delay": 2.0,
                                                      "max_pages": 3}
    assert isinstance(cfg.sources["lansstyrelsen"].settings["article_delay"], float)
    assert cfg.sources["smhi"].settings == {} and cfg.sources["vma"].settings == {}
    assert config_mod.from_dict({}).sources["krisinformation"].settings == {"level": Level.INFO}


def test_a_bad_setting_chains_the_cause() -> None:
    with pytest.raises(ConfigError) as info:
        config_mod.from_dict({"sources": {"krisinformation": {"level": "loud"}}})
    assert isinstance(info.value.__cause__, ValueError)


def test_every_source_of_the_registry_is_configured_with_its_defaults() -> None:
    from feeder.sources import SPECS

    cfg = config_mod.from_dict({})
    assert list(cfg.sources) == [spec.name for spec in SPECS]
    for spec in SPECS:
        source = cfg.sources[spec.name]
        assert (source.url, source.interval) == (spec.url, spec.interval)
        assert source.stale_after == max(4 * spec.interval, 600)
        assert source.enabled is spec.enabled_by_default
