"""The facade (feeder.app.Feeder): what it owns, and each operation users have, over a real
SQLite file, real publishing to output_dir and an SMHI-like upstream on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from feeder.app import Feeder
from feeder.config import Config
from feeder.editors import accounts
from feeder.editors.accounts import RoleError
from feeder.errors import InputError, NotFoundError, PublishError, StoreError
from feeder.fetch import Fetcher
from feeder.ladder import Level
from feeder.model import AuditAction, NoticeStatus
from feeder.notices import NoticeInput
from feeder.publish import PublishResult
from feeder.store import Store
from tests.common import FIXTURES, NOW, make_config

SMHI_PATH = "/ibww/api/version/1/warning.json"
FIRE_FIXTURE = FIXTURES / "smhi" / "ibww_fire_message_vasternorrland.json"


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "SCRYPT_N", 2**12)


@pytest.fixture
def upstream(httpserver: HTTPServer) -> HTTPServer:
    httpserver.expect_request(SMHI_PATH).respond_with_data(
        FIRE_FIXTURE.read_bytes(), content_type="application/json")
    return httpserver


@pytest.fixture
def app_config(tmp_path: Path, upstream: HTTPServer) -> Config:
    return make_config(tmp_path, sources={
        "smhi": {"url": upstream.url_for(SMHI_PATH)},
        "lansstyrelsen": {"enabled": False},
    })


@pytest.fixture
def feeder(app_config: Config) -> Iterator[Feeder]:
    with Feeder(app_config, clock=lambda: NOW) as f:
        yield f


@pytest.fixture
def published(feeder: Feeder) -> list[PublishResult]:
    """Every publish of ``feeder``, as its listeners see them."""
    seen: list[PublishResult] = []
    feeder.on_published(seen.append)
    return seen


def banner(config: Config) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (config.storage.output_dir / "banner.json").read_text("utf-8"))
    return data


# ------------------------------------------------------------------------------- ownership


def test_it_closes_what_it_opened_and_nothing_it_was_given(app_config: Config) -> None:
    with Feeder(app_config) as own:
        assert own.store.path == app_config.storage.database
    with pytest.raises(StoreError):
        own.store.items()  # closed with the feeder

    store = Store(app_config.storage.database)
    fetcher = Fetcher(app_config.http)
    with Feeder(app_config, store=store, fetcher=fetcher) as lent:
        assert lent.store is store and lent.fetcher is fetcher
    assert store.items() == []  # still open: the caller owns it
    store.close()
    fetcher.close()


# ------------------------------------------------------------------------------- polling


def test_poll_stores_without_publishing_and_publish_renders(
    feeder: Feeder, app_config: Config, published: list[PublishResult]
) -> None:
    outcomes = feeder.poll()
    assert [(o.source, o.ok) for o in outcomes] == [("smhi", True)]
    assert outcomes[0].inserted and feeder.store.items("smhi")
    assert published == [] and not (app_config.storage.output_dir / "banner.json").exists()
    result = feeder.publish()
    assert published == [result] and "banner.json" in result.changed
    assert banner(app_config)["alert"]["source"] == "SMHI"
    assert feeder.statuses()["smhi"].ok


@pytest.mark.parametrize(("name", "words"), [("twitter", "unknown source 'twitter'"),
                                             ("lansstyrelsen", "disabled")])
def test_poll_refuses_unknown_and_disabled_sources(
    feeder: Feeder, name: str, words: str
) -> None:
    with pytest.raises(InputError) as info:
        feeder.poll([name])
    assert info.value.field == "SOURCE" and words in str(info.value)


def test_poll_names_each_source_once(feeder: Feeder) -> None:
    assert [o.source for o in feeder.poll(["smhi", "smhi"])] == ["smhi"]


def test_a_forced_poll_ignores_backoff(tmp_path: Path) -> None:
    config = make_config(tmp_path, sources={"smhi": {"url": "http://127.0.0.1:9/w.json"},
                                            "lansstyrelsen": {"enabled": False}})
    with Feeder(config, clock=lambda: NOW) as feeder:
        feeder.poll()
        feeder.poll()  # the second failure starts the backoff
        assert feeder.poll()[0].skipped
        forced = feeder.poll(force=True)[0]
        assert not forced.skipped and not forced.ok
        assert feeder.store.source_state("smhi").failures == 3


# ------------------------------------------------------------------------------- notices


def test_a_notice_is_stored_audited_and_published_before_the_call_returns(
    feeder: Feeder, app_config: Config, published: list[PublishResult]
) -> None:
    item = feeder.add_notice(NoticeInput(title="Kokvattenrekommendation", level="notice",
                                         areas=("2281",)), actor="cli:anna")
    assert item.id.startswith("notice:") and item.published == NOW
    assert len(published) == 1
    assert banner(app_config)["alert"]["id"] == item.id
    assert [(e.actor, e.action) for e in feeder.audit_log(item.id)] == [
        ("cli:anna", AuditAction.CREATE)]
    assert feeder.notice(item.id.partition(":")[2]) == item  # the bare form works too
    assert feeder.notices() == [item]


def test_an_unchanged_update_publishes_nothing_and_a_change_does(
    feeder: Feeder, published: list[PublishResult]
) -> None:
    item = feeder.add_notice(NoticeInput(title="Vatten", body="Koka"), actor="cli:a")
    assert feeder.update_notice(item.id, NoticeInput(body="Koka"), actor="cli:a") == item
    assert len(published) == 1
    changed = feeder.update_notice(item.id, NoticeInput(body="Koka i 3 min"), actor="cli:a")
    assert changed.body == "<p>Koka i 3 min</p>" and len(published) == 2
    gone = feeder.withdraw_notice(item.id, actor="cli:a")
    assert gone.withdrawn and len(published) == 3
    assert feeder.withdraw_notice(item.id, actor="cli:a") == gone and len(published) == 3


def test_an_editors_role_is_checked_and_an_operator_is_trusted(
    feeder: Feeder, published: list[PublishResult]
) -> None:
    anna, _ = feeder.add_editor("anna", actor="cli:root")
    with pytest.raises(RoleError) as info:
        feeder.add_notice(NoticeInput(title="Storm", level="severe"), actor=anna)
    assert info.value.field == "level" and info.value.status == 403
    assert feeder.notices() == [] and published == []
    draft = feeder.add_notice(NoticeInput(title="Storm", level="severe", status="draft"),
                              actor=anna)
    with pytest.raises(RoleError):
        feeder.update_notice(draft.id, NoticeInput(status="published"), actor=anna)
    live = feeder.update_notice(draft.id, NoticeInput(status="published"), actor="cli:root")
    assert live.status is NoticeStatus.PUBLISHED and live.level is Level.SEVERE
    assert live.author == "anna"  # who wrote it; the audit log says who published it
    assert feeder.audit_log(live.id)[0].actor == "cli:root"


def test_a_failed_publish_keeps_the_change_and_names_it(
    feeder: Feeder, app_config: Config
) -> None:
    app_config.storage.output_dir.parent.mkdir(parents=True, exist_ok=True)
    app_config.storage.output_dir.write_text("a file where the folder should be")
    with pytest.raises(PublishError) as info:
        feeder.add_notice(NoticeInput(title="Viktigt"), actor="cli:a")
    err = info.value
    assert err.item_id is not None and err.item_id in str(err)
    assert err.status == 503 and err.exit_code == 3
    assert err.__cause__ is not None
    assert feeder.notice(err.item_id).title == "Viktigt"


def test_every_change_not_published_names_the_notice_and_the_next_publish_puts_it_out(
    feeder: Feeder, app_config: Config
) -> None:
    item = feeder.add_notice(NoticeInput(title="Viktigt", level="warning"), actor="cli:a")
    out = app_config.storage.output_dir
    assert [a["title"] for a in banner(app_config)["alerts"]] == ["Viktigt"]
    shutil.rmtree(out)
    out.write_text("a file where the folder should be")
    changes = [
        lambda: feeder.update_notice(item.id, NoticeInput(title="Ändrat"), actor="cli:a"),
        lambda: feeder.withdraw_notice(item.id, actor="cli:a"),
    ]
    for change in changes:
        with pytest.raises(PublishError) as info:
            change()
        assert info.value.item_id == item.id and item.id in str(info.value)
    assert feeder.notice(item.id).withdrawn  # stored, audited
    out.unlink()
    feeder.publish()
    assert banner(app_config)["alerts"] == []  # the withdrawal is out


def test_a_change_left_out_of_the_outputs_is_not_reported_as_published(
    feeder: Feeder, app_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feeder.publish import plan

    real_build = plan.build

    def build(item: Any, *args: Any, **kwargs: Any) -> Any:
        if item.title == "Kan inte visas":
            raise ValueError("cannot render this one")
        return real_build(item, *args, **kwargs)

    monkeypatch.setattr(plan, "build", build)
    with pytest.raises(PublishError) as info:
        feeder.add_notice(NoticeInput(title="Kan inte visas", level="warning"), actor="cli:a")
    assert info.value.item_id is not None and "left out" in str(info.value)
    assert feeder.notice(info.value.item_id).title == "Kan inte visas"  # stored
    other = feeder.add_notice(NoticeInput(title="Syns", level="warning"), actor="cli:a")
    assert [a["id"] for a in banner(app_config)["alerts"]] == [other.id]


def test_preview_validates_like_a_save_and_stores_nothing(feeder: Feeder) -> None:
    shown = feeder.preview_notice(NoticeInput(title="<b>Risk</b>", level="warning",
                                              status="draft"))
    assert (shown.title, shown.level, shown.status) == ("Risk", Level.WARNING, "published")
    with pytest.raises(InputError) as info:
        feeder.preview_notice(NoticeInput(body="no title"))
    assert info.value.field == "title"
    stored = feeder.add_notice(NoticeInput(title="Gammal", body="Sparad"), actor="cli:a")
    edited = feeder.preview_notice(NoticeInput(title="Ny"), notice_id=stored.id)
    assert (edited.title, edited.body) == ("Ny", stored.body)
    assert feeder.notices() == [stored]
    with pytest.raises(NotFoundError):
        feeder.preview_notice(NoticeInput(title="x"), notice_id="nope")


def test_standing_notices_load_once(tmp_path: Path) -> None:
    config = make_config(tmp_path, notices=[{"id": "vatten", "title": "Kokvatten"}])
    with Feeder(config, clock=lambda: NOW) as feeder:
        assert feeder.load_standing() == ["notice:vatten"]
        assert feeder.load_standing() == []
        assert feeder.notice("vatten").author == "config.yaml"


# ------------------------------------------------------------------------------- editors


def test_editor_accounts_through_the_facade(feeder: Feeder) -> None:
    anna, token = feeder.add_editor("anna", role="publisher", password="anna-lösenord-1",
                                    actor="cli:root")
    assert feeder.has_editors() and feeder.editors() == [anna] == [feeder.editor("ANNA")]
    assert feeder.by_token(token) == anna == feeder.login("anna", "anna-lösenord-1")
    assert feeder.login("anna", "fel-lösenord-1") is None
    assert feeder.editor_by_id(anna.id) == anna
    feeder.end_sessions(anna)
    assert feeder.editor("anna").session_gen == anna.session_gen + 1
    new = feeder.rotate_token("anna", actor="cli:root")
    assert feeder.by_token(token) is None and feeder.by_token(new) is not None
    feeder.set_password("anna", "ett-nytt-lösenord", actor="cli:root")
    assert feeder.login("anna", "ett-nytt-lösenord") is not None
    feeder.remove_editor("anna", actor="cli:root")
    assert not feeder.has_editors()
    with pytest.raises(NotFoundError):
        feeder.editor("anna")
    actions = [e.action for e in reversed(feeder.audit_log())]
    assert actions == [AuditAction.EDITOR_ADD, AuditAction.EDITOR_TOKEN,
                       AuditAction.EDITOR_PASSWORD, AuditAction.EDITOR_REMOVE]


# ------------------------------------------------------------------------------- scheduling


def test_while_the_scheduler_runs_a_change_publishes_through_it(tmp_path: Path) -> None:
    config = make_config(tmp_path, sources={"smhi": {"enabled": False},
                                            "lansstyrelsen": {"enabled": False}})
    with Feeder(config) as feeder:
        scheduler = feeder.scheduler(poll_at_start=False)
        scheduler.start()
        try:
            before = scheduler.publishes
            starts = feeder.clock() + timedelta(hours=3)
            feeder.add_notice(NoticeInput(title="Senare", level="notice",
                                          starts=starts), actor="cli:a")
            assert scheduler.publishes >= before + 1
            assert scheduler.publish_at == starts  # re-armed at the notice's start
        finally:
            scheduler.stop()
        # stopped: changes publish directly
        count = scheduler.publishes
        feeder.add_notice(NoticeInput(title="Nu"), actor="cli:a")
        assert scheduler.publishes == count
        assert (config.storage.output_dir / "banner.json").exists()
