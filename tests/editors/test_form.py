"""The admin form's data (feeder.editors.form): what the fields show, what a submission changed,
the Swedish state words, and what an audit entry changed."""

from __future__ import annotations

from datetime import timedelta

from feeder.editors.form import audit_rows, changes, form_values, state_label, submitted
from feeder.ladder import Level
from feeder.model import AuditAction, AuditEntry, Item, NoticeStatus
from tests.common import NOW

NOTICE = Item(id="notice:abc", source="notice", level=Level.WARNING, title="Vägarbete",
              body="<p>E4</p>", published=NOW, updated=NOW, effective=NOW + timedelta(seconds=17),
              areas=("2284", "2262"))


def test_the_fields_show_the_notice_in_local_time() -> None:
    values = form_values(NOTICE)
    assert values["level"] == "warning" and values["status"] == "published"
    assert values["starts"] == "2026-06-12T12:00"  # Europe/Stockholm, minutes only
    assert form_values(None)["level"] == "notice"


def test_an_untouched_form_changes_nothing_and_box_order_does_not_matter() -> None:
    shown = form_values(NOTICE)
    form = {name: [value] for name, value in shown.items() if isinstance(value, str)}
    form["areas"] = ["2262", "2284"]
    assert changes(submitted(form), shown) == {}
    form["title"] = ["Vägarbete på E4"]
    form["starts"] = [""]
    assert changes(submitted(form), shown) == {"title": "Vägarbete på E4", "starts": ""}


def test_a_new_notice_sends_only_what_was_filled_in() -> None:
    form = {"title": ["Ny"], "body": [""], "topics": [], "status": ["draft"]}
    assert changes(submitted(form), None) == {"title": "Ny", "status": "draft"}


def test_lists_of_anything_else_are_a_change_for_validation_to_judge() -> None:
    shown = form_values(NOTICE)  # what a preview request compares against
    for sent in (5, None, "2284", [2284, "2262"], ["2262", None]):
        assert changes({"areas": sent}, shown) == {"areas": sent}
    assert changes({"areas": ["2262", "2284"]}, shown) == {}


def test_state_words() -> None:
    assert state_label(NOTICE, NOW) == ("scheduled", "Schemalagt")
    assert state_label(NOTICE, NOW + timedelta(minutes=1)) == ("active", "Aktivt")
    draft = NOTICE.evolve(status=NoticeStatus.DRAFT)
    assert state_label(draft, NOW) == ("draft", "Utkast")
    assert state_label(NOTICE.evolve(withdrawn=True), NOW)[1] == "Återkallat"
    assert state_label(NOTICE.evolve(expires=NOW - timedelta(hours=1),
                                     effective=None), NOW) == ("ended", "Upphört")


def test_audit_rows_show_what_changed_only() -> None:
    entry = AuditEntry(1, NOW, "anna", AuditAction.UPDATE, "notice:abc",
                       {"title": "Före", "url": None, "areas": []},
                       {"title": "Efter", "url": "", "areas": []})
    assert audit_rows(entry) == [("title", "Före", "Efter")]
