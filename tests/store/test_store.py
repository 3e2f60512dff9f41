from __future__ import annotations

from datetime import timedelta

import pytest

from feeder.errors import NotFoundError
from feeder.ladder import Level
from feeder.model import Item, Reopen
from feeder.store import Store
from tests.common import NOW


def item(id: str = "smhi:1-2", **kw: object) -> Item:
    base = dict(
        id=id, source="smhi", level=Level.NOTICE,
        title="Risk för skogsbrand i Västernorrlands län",
        body="<p>Text</p>", published=NOW - timedelta(days=1), updated=NOW - timedelta(hours=1),
        url="https://www.smhi.se/", onset=NOW - timedelta(hours=2),
        effective=NOW - timedelta(hours=3),
        expires=NOW + timedelta(days=2),
        topics=("a",), areas=("2281",), credit="SMHI",
    )
    base.update(kw)
    return Item(**base)  # type: ignore[arg-type]


def test_round_trip_keeps_every_field(store: Store) -> None:
    original = item(level_reason="why", summary="lead", author="me", status="draft")
    store.upsert([original], NOW)
    assert store.get(original.id) == original


def test_unchanged_upsert_writes_nothing(store: Store) -> None:
    store.upsert([item()], NOW)
    before = store.path.stat().st_mtime_ns, store.data_version()
    wal = store.path.with_name(store.path.name + "-wal")
    wal_size = wal.stat().st_size
    result = store.upsert([item()], NOW + timedelta(minutes=2))
    assert result.inserted == [] and result.updated == [] and result.unchanged == 1
    assert not result.changed
    assert (store.path.stat().st_mtime_ns, store.data_version()) == before
    assert wal.stat().st_size == wal_size


def test_changed_item_is_updated_in_place(store: Store) -> None:
    store.upsert([item()], NOW)
    newer = item(body="<p>Ny text</p>", updated=NOW)
    result = store.upsert([newer], NOW)
    assert result.updated == ["smhi:1-2"]
    assert store.get("smhi:1-2").body == "<p>Ny text</p>"
    assert len(store.items()) == 1


def test_end_missing_ends_only_running_items_not_seen(store: Store) -> None:
    store.upsert(
        [item("smhi:1-1"), item("smhi:2-2"), item("smhi:3-3", expires=NOW - timedelta(hours=1)),
         item("x", source="lansstyrelsen")],
        NOW,
    )
    ended = store.end_missing("smhi", ["smhi:1-1"], NOW)
    assert ended == ["smhi:2-2"]
    assert store.get("smhi:2-2").ended == NOW
    assert store.get("smhi:1-1").ended is None
    assert store.get("smhi:3-3").ended is None  # simply expired
    assert store.get("x").ended is None  # other source
    # ending twice does nothing more
    assert store.end_missing("smhi", ["smhi:1-1"], NOW + timedelta(minutes=5)) == []
    assert store.get("smhi:2-2").ended == NOW


def test_ended_item_that_returns_is_unended(store: Store) -> None:
    store.upsert([item()], NOW)
    store.end_missing("smhi", [], NOW)
    result = store.upsert([item()], NOW + timedelta(minutes=2))
    assert result.updated == ["smhi:1-2"]
    assert store.get("smhi:1-2").ended is None


def test_get_unknown(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.get("nope")
    assert store.find("nope") is None


def test_source_state_success_and_failure(store: Store) -> None:
    assert store.source_state("smhi").state == "new"
    store.record_failure("smhi", NOW, "HTTP 500")
    s = store.record_failure("smhi", NOW + timedelta(minutes=2), "timed out",
                             retry_at=NOW + timedelta(minutes=10))
    assert (s.failures, s.state, s.since, s.last_error) == (2, "failing", NOW, "timed out")
    assert store.source_state("smhi").retry_at == NOW + timedelta(minutes=10)
    later = NOW + timedelta(minutes=12)
    s = store.record_success("smhi", later, etag='"abc"', last_modified="Fri, 12 Jun 2026")
    assert (s.failures, s.state, s.since, s.last_error, s.retry_at) == (0, "ok", later, None, None)
    s = store.record_success("smhi", later + timedelta(minutes=2), keep_validators=True)
    assert s.since == later  # still ok: since unchanged
    assert s.etag == '"abc"'
    assert store.source_states().keys() == {"smhi"}


def test_notice_save_writes_audit_with_before_and_after(store: Store) -> None:
    n = item("notice:abc", source="notice")
    store.save_notice(n, actor="anna", action="create", now=NOW)
    store.save_notice(n.evolve(title="Ny titel"), actor="bo", action="update", now=NOW)
    log = store.audit_log("notice:abc")
    assert [e.action for e in log] == ["update", "create"]
    assert log[0].actor == "bo"
    assert log[0].before is not None and log[0].before["title"] == n.title
    assert log[0].after is not None and log[0].after["title"] == "Ny titel"
    assert log[1].before is None


def test_two_processes_share_the_file(config, store: Store) -> None:  # type: ignore[no-untyped-def]
    store.upsert([item()], NOW)
    with Store(config.storage.database) as other:
        assert other.get("smhi:1-2").title == item().title
        other.upsert([item("smhi:9-9")], NOW)
    assert store.find("smhi:9-9") is not None


def test_success_after_a_stale_gap_moves_since(store: Store) -> None:
    store.record_success("smhi", NOW)
    # nothing polled for an hour (daemon down): the source was stale from NOW + 600 s
    later = NOW + timedelta(hours=1)
    state = store.record_success("smhi", later, stale_after=600)
    assert state.since == later
    # a good poll within stale_after keeps since
    again = store.record_success("smhi", later + timedelta(minutes=2), stale_after=600)
    assert again.since == later


# --------------------------------------------------------------------------- listed again


def _ended(store: Store, rule: Reopen) -> Item:
    """An item stored, then ended (cancelled or gone from its list)."""
    store.upsert([item("vma:1", source="vma")], NOW, reopen=rule)
    assert store.end_missing("vma", [], NOW + timedelta(minutes=1)) == ["vma:1"]
    return store.get("vma:1")


def test_listed_again_an_ended_item_comes_back_by_default(store: Store) -> None:
    _ended(store, Reopen.LISTED)
    result = store.upsert([item("vma:1", source="vma")], NOW + timedelta(minutes=2))
    assert result.updated == ["vma:1"] and store.get("vma:1").ended is None


@pytest.mark.parametrize("age", [timedelta(0), -timedelta(minutes=5)])
def test_with_reopen_newer_the_same_or_an_older_version_leaves_it_ended(
    store: Store, age: timedelta
) -> None:
    ended = _ended(store, Reopen.NEWER)
    again = item("vma:1", source="vma", updated=ended.updated + age, title="Från en gammal cache")
    result = store.upsert([again], NOW + timedelta(minutes=2), reopen=Reopen.NEWER)
    assert (result.inserted, result.updated, result.unchanged) == ([], [], 1)
    assert store.get("vma:1") == ended  # nothing written


def test_with_reopen_newer_a_newer_version_reopens(store: Store) -> None:
    ended = _ended(store, Reopen.NEWER)
    newer = item("vma:1", source="vma", updated=ended.updated + timedelta(seconds=1))
    result = store.upsert([newer], NOW + timedelta(minutes=2), reopen=Reopen.NEWER)
    assert result.updated == ["vma:1"]
    assert store.get("vma:1") == newer


def test_a_running_item_is_updated_whatever_the_rule(store: Store) -> None:
    store.upsert([item("vma:1", source="vma")], NOW, reopen=Reopen.NEWER)
    older_text = item("vma:1", source="vma", body="<p>Rättad</p>")
    assert store.upsert([older_text], NOW, reopen=Reopen.NEWER).updated == ["vma:1"]


def test_rows_with_dates_outside_any_range_are_read_not_refused(store: Store) -> None:
    store.upsert([item("smhi:9-9")], NOW)
    with store._write() as db:
        db.execute("UPDATE items SET published = '999-06-12T10:00:00Z', updated = 'oops',"
                   " expires = '10000-01-01T00:00:00Z', onset = '0001-01-01T00:00:00-05:00'"
                   " WHERE id = 'smhi:9-9'")
    read = store.get("smhi:9-9")
    assert read.published.year == 999 and read.updated.year == 1
    assert read.expires is not None and read.expires.year == 9999
    assert read.onset is not None and read.onset.year == 1
    assert [i.id for i in store.items()] == ["smhi:9-9"]
