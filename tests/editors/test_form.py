"""The admin form's data (feeder.editors.form): what the fields show, what a submission changed,
the Swedish state words, and what an audit entry changed."""

from __future__ import annotations

from datetime import timedelta

from feeder.editors.form import (
    actor_name,
    audit_rows,
    changes,
    field_errors,
    form_values,
    shown,
    state_label,
    submitted,
)
from feeder.errors import InputError
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
    assert form_values(None)["level"] == ""  # a new notice: the editor chooses a level


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
    assert state_label(NOTICE, NOW) == ("scheduled", "Schemalagd")
    assert state_label(NOTICE, NOW + timedelta(minutes=1)) == ("active", "Publicerad")
    draft = NOTICE.evolve(status=NoticeStatus.DRAFT)
    assert state_label(draft, NOW) == ("draft", "Utkast")
    assert state_label(NOTICE.evolve(withdrawn=True), NOW)[1] == "Återkallad"
    assert state_label(NOTICE.evolve(expires=NOW - timedelta(hours=1),
                                     effective=None), NOW) == ("ended", "Upphörd")


def test_audit_rows_show_what_changed_only() -> None:
    entry = AuditEntry(1, NOW, "anna", AuditAction.UPDATE, "notice:abc",
                       {"title": "Före", "url": None, "areas": []},
                       {"title": "Efter", "url": "", "areas": []})
    assert audit_rows(entry) == [("title", "Före", "Efter")]


def test_every_error_at_once_in_one_pass_per_field() -> None:
    seen: list[dict[str, object]] = []

    def check(fields: dict[str, object]) -> None:
        seen.append(dict(fields))
        if not fields.get("title"):
            raise InputError("is required", "title", code="required")
        if fields.get("url") == "bad":
            raise InputError("not a url", "url", code="not-a-url")
        if fields.get("expires") == "past":
            raise InputError("past", "expires", code="past")

    found = field_errors(check, {"url": "bad", "expires": "past", "body": "ok"})
    assert list(found) == ["title", "url", "expires"]
    assert len(seen) == 4  # each field found wrong is left out (a title replaced) and checked again
    assert field_errors(check, {"title": "t"}) == {}
    # An error without a field ends the search; so does the same field twice.
    assert list(field_errors(lambda f: (_ for _ in ()).throw(InputError("odd")), {})) == [""]


def test_who_did_it_in_swedish() -> None:
    assert actor_name("anna") == "anna"
    assert actor_name("cli:root") == "kommandoraden (root)"
    assert actor_name("cli") == "kommandoraden"


def test_audit_values_in_swedish() -> None:
    names, topics = {"2281": "Sundsvall", "2262": "Timrå"}, {"vatten": "Vatten"}
    assert shown("level", "severe", names, topics) == "Orange varning"
    assert shown("level", 2, names, topics) == "Meddelande"
    assert shown("status", "published", names, topics) == "Publicerad"
    assert shown("status", "draft", names, topics) == "Utkast"
    assert shown("role", "publisher", names, topics) == "publicist"
    assert shown("areas", ["2281", "2262", "9999"], names, topics) == "Sundsvall, Timrå, 9999"
    assert shown("topics", ["vatten"], names, topics) == "Vatten"
    assert shown("withdrawn", True, names, topics) == "ja"
    assert shown("expires", "2026-06-12T10:00:00Z", names, topics) == "12 juni 2026 kl. 12.00"
    assert shown("url", None, names, topics) == "–"
