"""Standing notices of config.yaml (feeder.notices.check_standing, load_standing): checked by the
rules of every editor's input, their problems named by config key (``notices[0].expires``);
hostile text in config.yaml (tests/notices/hostile.py) refused by ``feeder check`` or stored
clean, and publishing stays whole."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from feeder import config as config_mod
from feeder import notices
from feeder.errors import ConfigError
from feeder.store import Store
from tests.common import NOW, TOPIC, make_config, run_cli
from tests.notices.hostile import CASES, IDS, TITLE, Hostile, fields, outputs_whole


def write_config(tmp_path: Path, *standing: dict[str, Any]) -> Path:
    """config.yaml as an operator writes it (YAML's own escapes for odd characters)."""
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({
        "storage": {"database": "db.sqlite3", "output_dir": "public"},
        "sources": {"smhi": {"enabled": False}, "lansstyrelsen": {"enabled": False}},
        "topics": [TOPIC],
        "notices": list(standing),
    }, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("standing", "key", "words"),
    [
        ([{"id": "a", "title": "T", "level": "huge"}], "notices[0].level", "unknown level"),
        ([{"id": "a", "title": "T", "expires": "tomorrow"}], "notices[0].expires", "ISO 8601"),
        ([{"id": "a", "title": "T", "topics": ["nope"]}], "notices[0].topics", "unknown topic"),
        ([{"id": "a", "title": "T", "areas": ["0180"]}], "notices[0].areas", "municipality"),
        ([{"id": "a", "title": "T", "url": "https://a.se/a b"}], "notices[0].url", "http(s)"),
        ([{"id": "a", "title": "T"}, {"id": "b", "title": "\u200b\x0b"}], "notices[1].title",
         "must not be empty"),
        ([{"id": "a", "title": "T", "expires": date(999, 1, 1)}], "notices[0].expires",
         "1970–2999"),
        ([{"id": "a", "title": "T", "starts": datetime(1, 1, 1, 0, 30)}], "notices[0].starts",
         "1970–2999"),
        ([{"id": "a", "title": "T", "body": "x" * 20_001}], "notices[0].body", "at most 20000"),
    ],
)
def test_problems_are_config_errors_naming_the_key(
    tmp_path: Path, standing: list[dict[str, Any]], key: str, words: str
) -> None:
    config = make_config(tmp_path, notices=standing)
    with pytest.raises(ConfigError) as info:
        notices.check_standing(config, now=NOW)
    assert info.value.key == key and words in str(info.value)
    assert str(info.value).startswith(f"{key}: ")
    with Store(config.storage.database) as store:  # all are checked before any is written
        with pytest.raises(ConfigError):
            notices.load_standing(store, config, now=NOW)
        assert store.items("notice") == []


def test_yaml_dates_and_times_are_taken_as_times(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(
        "notices:\n"
        "  - {id: a, title: A, expires: 2030-06-12}\n"  # a date: its midnight in Stockholm
        "  - {id: b, title: B, expires: 2030-06-12 10:00:00}\n"  # no offset: Stockholm
        "  - {id: c, title: C, starts: 2030-06-12T10:00:00Z, expires: 2030-06-13}\n",
        encoding="utf-8")
    checked = dict(notices.check_standing(config_mod.load(path), now=NOW))
    assert checked["a"].expires == datetime.fromisoformat("2030-06-11T22:00:00+00:00")
    assert checked["b"].expires == datetime.fromisoformat("2030-06-12T08:00:00+00:00")
    assert checked["c"].starts == datetime.fromisoformat("2030-06-12T10:00:00+00:00")


@pytest.mark.parametrize(
    ("yaml_value", "key"),
    [("0999-01-01", "expires"), ("9999-12-31 23:30:00", "expires"),
     ("0001-01-01 00:30:00", "starts"), ('"9999-12-31T23:30"', "expires"),
     ('"\\uD800"', "expires")],
)
def test_feeder_check_exits_2_naming_the_key(tmp_path: Path, yaml_value: str, key: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(f"notices:\n  - id: vatten\n    title: Kokvatten\n    {key}: {yaml_value}\n",
                    encoding="utf-8")
    code, stdout, stderr = run_cli(path, "check")
    assert code == 2 and stdout == ""
    assert stderr.startswith(f"feeder: config error: notices[0].{key}: ")
    assert stderr.count("\n") == 1
    assert run_cli(path, "publish")[0] == 2  # every command checks it, not only check


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_hostile_text_in_config_yaml_is_refused_by_check_or_stored_clean(
    tmp_path: Path, case: Hostile
) -> None:
    path = write_config(tmp_path, {"id": "vatten", **fields(case)})
    code, _, stderr = run_cli(path, "check")
    if case.refused:
        assert code == 2
        assert stderr.startswith(
            f"feeder: config error: notices[0].{case.field}: lies outside the years 1970–2999")
        assert not (tmp_path / "db.sqlite3").exists()
        return
    assert code == 0, stderr
    assert run_cli(path, "publish")[0] == 0
    with Store(tmp_path / "db.sqlite3") as store:
        assert getattr(store.get("notice:vatten"), case.field) == case.stored
    out = tmp_path / "public"
    assert [a["title"] for a in outputs_whole(out)["alerts"]] == [TITLE]
    assert run_cli(path, "notice", "withdraw", "vatten")[0] == 0
    assert outputs_whole(out)["alerts"] == []
    assert run_cli(path, "publish")[0] == 0  # a withdrawn standing notice stays withdrawn
    assert outputs_whole(out)["alerts"] == []
