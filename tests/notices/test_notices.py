from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from feeder import notices
from feeder.config import Config
from feeder.errors import InputError, NotFoundError
from feeder.ladder import Level
from feeder.lifecycle import State, state_of
from feeder.model import Item
from feeder.notices import NoticeInput
from feeder.store import Store
from tests.common import NOW, make_config


def given(**fields: object) -> NoticeInput:
    return NoticeInput.from_mapping(fields)


def add(store: Store, config: Config, **fields: object) -> Item:
    fields.setdefault("title", "Vattenavstängning i Sundsvall")
    return notices.create(store, config, given(**fields), actor="anna", now=NOW)


def test_create_defaults_and_cleaning(store: Store, config: Config) -> None:
    item = add(store, config, title="<b>Vatten</b>avstängning", body="Rad<script>x</script>",
               level="notice", areas=["2281"], topics=["handlingsplan-mot-vald"],
               starts="2026-06-12T08:00", expires="2026-06-13T18:00+02:00",
               url="https://www.sundsvall.se/")
    assert item.id.startswith("notice:") and len(item.id) == len("notice:") + 12
    assert item.title == "Vattenavstängning"
    assert "<script" not in item.body and "Rad" in item.body
    assert item.level is Level.NOTICE and "editor" in item.level_reason
    assert item.effective is not None and item.effective.isoformat() == "2026-06-12T06:00:00+00:00"
    assert item.onset == item.effective
    assert item.expires is not None and item.expires.isoformat() == "2026-06-13T16:00:00+00:00"
    assert item.areas == ("2281",) and item.author == "anna"
    assert store.get(item.id) == item
    assert [e.action for e in store.audit_log(item.id)] == ["create"]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"title": ""}, "title", "empty"),
        ({"title": "<i></i>  "}, "title", "empty"),
        ({"title": "x" * 201}, "title", "at most 200"),
        ({"title": 5}, "title", "string"),
        ({"body": "x" * 20_001}, "body", "at most 20000"),
        ({"level": "loud"}, "level", "unknown level"),
        ({"level": True}, "level", "level"),
        ({"starts": "imorgon"}, "starts", "ISO 8601"),
        ({"starts": "2026-06-13T10:00Z", "expires": "2026-06-13T09:00Z"}, "expires",
         "after starts"),
        ({"expires": "2026-06-01T00:00Z"}, "expires", "in the past"),
        ({"url": "javascript:alert(1)"}, "url", "http(s) URL"),
        ({"topics": ["nope"]}, "topics", "unknown topic"),
        ({"areas": ["0180"]}, "areas", "not a municipality"),
        ({"areas": [{"x": 1}]}, "areas", "list of strings"),
        ({"status": "live"}, "status", "draft"),
        ({"colour": "red"}, "colour", "unknown field"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    store: Store, config: Config, fields: dict[str, object], field: str, words: str
) -> None:
    fields = {"title": "Titel", **fields}
    with pytest.raises(InputError) as info:
        notices.create(store, config, NoticeInput.from_mapping(fields), actor="anna", now=NOW)
    assert info.value.field == field
    assert words in str(info.value)
    assert store.items() == [] and store.audit_log() == []


def test_title_required(store: Store, config: Config) -> None:
    with pytest.raises(InputError, match="title: is required"):
        notices.create(store, config, given(body="x"), actor="a", now=NOW)


def test_update_changes_only_given_fields(store: Store, config: Config) -> None:
    item = add(store, config, body="Gammal", level="warning")
    later = NOW + timedelta(minutes=5)
    bare = item.id.partition(":")[2]  # the form handed out before: still accepted
    new = notices.update(store, config, bare, given(body="Ny"), actor="bo", now=later)
    assert new.body == "<p>Ny</p>" and new.level is Level.WARNING and new.updated == later
    assert new.published == NOW
    log = store.audit_log(item.id)
    assert [e.action for e in log] == ["update", "create"]
    assert log[0].before is not None and log[0].before["body"] == "<p>Gammal</p>"


def test_update_with_same_values_writes_nothing(store: Store, config: Config) -> None:
    item = add(store, config, body="Samma")
    again = notices.update(store, config, item.id, given(body="Samma"), actor="bo",
                           now=NOW + timedelta(minutes=1))
    assert again == item
    assert len(store.audit_log(item.id)) == 1


def test_update_checks_expires_against_stored_starts(store: Store, config: Config) -> None:
    item = add(store, config, starts="2026-06-13T10:00Z")
    with pytest.raises(InputError, match="expires: must be after starts"):
        notices.update(store, config, item.id, given(expires="2026-06-13T09:00Z"), actor="b",
                       now=NOW)


def test_withdraw_keeps_history(store: Store, config: Config) -> None:
    item = add(store, config, level="notice")
    gone = notices.withdraw(store, item.id, actor="bo", now=NOW + timedelta(minutes=1))
    assert gone.withdrawn and state_of(gone, NOW + timedelta(minutes=2)) is not State.ACTIVE
    assert store.get(item.id).withdrawn
    with pytest.raises(InputError, match="withdrawn"):
        notices.update(store, config, item.id, given(title="X"), actor="bo", now=NOW)
    assert [e.action for e in store.audit_log(item.id)] == ["withdraw", "create"]


def test_unknown_notice(store: Store, config: Config) -> None:
    with pytest.raises(NotFoundError):
        notices.withdraw(store, "nope", actor="a", now=NOW)
    store_item = add(store, config)
    assert notices.get(store, store_item.id) == store_item
    assert notices.get(store, store_item.id.partition(":")[2]) == store_item  # the bare form


def test_standing_notices_load_idempotently(tmp_path: Path) -> None:
    standing = [{"id": "vatten", "title": "Kokvattenrekommendation", "level": "notice",
                 "body": "Koka vattnet.", "expires": "2026-07-01T00:00Z", "areas": ["2281"]}]
    config = make_config(tmp_path, notices=standing)
    with Store(config.storage.database) as store:
        assert notices.load_standing(store, config, now=NOW) == ["notice:vatten"]
        first = store.get("notice:vatten")
        assert first.author == "config.yaml" and first.level is Level.NOTICE
        assert notices.load_standing(store, config, now=NOW + timedelta(hours=1)) == []
        assert store.get("notice:vatten") == first
        changed = make_config(tmp_path, notices=[{**standing[0], "body": "Koka vattnet i 3 min."}])
        later = NOW + timedelta(hours=2)
        assert notices.load_standing(store, changed, now=later) == ["notice:vatten"]
        assert store.get("notice:vatten").updated == later
        assert store.get("notice:vatten").published == first.published
        notices.withdraw(store, "vatten", actor="anna", now=later)
        assert notices.load_standing(store, changed, now=later) == []
        assert store.get("notice:vatten").withdrawn


def test_standing_notice_past_its_end_still_loads(tmp_path: Path) -> None:
    config = make_config(tmp_path, notices=[{"id": "old", "title": "Gammal",
                                             "expires": "2020-01-01T00:00Z"}])
    with Store(config.storage.database) as store:
        notices.load_standing(store, config, now=NOW)
        assert state_of(store.get("notice:old"), NOW).over


def test_as_dict(store: Store, config: Config) -> None:
    item = add(store, config, level="severe")
    d = notices.as_dict(item)
    assert d["id"] == item.id and d["id"].startswith("notice:")
    assert (d["level"], d["level_number"], d["updated"]) == ("severe", 4, "2026-06-12T10:00:00Z")


def test_not_given_is_not_cleared(store: Store, config: Config) -> None:
    item = add(store, config, url="https://www.sundsvall.se/", expires="2026-06-13T18:00Z",
               areas=["2281"])
    kept = notices.update(store, config, item.id, NoticeInput(title="Ny rubrik"), actor="bo",
                          now=NOW + timedelta(minutes=1))
    assert (kept.url, kept.expires, kept.areas) == (item.url, item.expires, item.areas)
    cleared = notices.update(store, config, item.id,
                             NoticeInput(url=None, expires="", areas=()), actor="bo",
                             now=NOW + timedelta(minutes=2))
    assert (cleared.url, cleared.expires, cleared.areas) == (None, None, ())
    assert cleared.title == "Ny rubrik"


def test_a_role_check_runs_between_validation_and_the_store(
    store: Store, config: Config
) -> None:
    seen: list[tuple[Item | None, Item | None]] = []

    def refuse(before: Item | None, after: Item | None) -> None:
        seen.append((before, after))
        raise InputError("no", "level")

    with pytest.raises(InputError):
        notices.create(store, config, given(title="T", level="severe"), actor="a", now=NOW,
                       check=refuse)
    assert seen[0][0] is None and seen[0][1] is not None and seen[0][1].level is Level.SEVERE
    assert store.items() == [] and store.audit_log() == []
