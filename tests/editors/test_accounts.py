"""Editor accounts: password hashing, tokens, the table, roles."""

from __future__ import annotations

import base64
import hashlib
import sqlite3
import threading
import time
from typing import Any

import pytest

from feeder.editors import accounts
from feeder.editors.accounts import Accounts
from feeder.errors import InputError, NotFoundError
from feeder.ladder import Level
from feeder.model import Editor, Item, Role
from feeder.store import Store
from tests.common import NOW
from tests.editors.support import PRODUCTION_N


@pytest.fixture
def acc(store: Store) -> Accounts:
    return Accounts(store)


def editor_row(store: Store, name: str) -> dict[str, Any]:
    """The stored row, read with a connection of its own (what is on disk)."""
    with sqlite3.connect(store.path) as db:
        db.row_factory = sqlite3.Row
        return dict(db.execute("SELECT * FROM editors WHERE name = ?", (name,)).fetchone())


def test_production_kdf_parameters_are_memory_hard() -> None:
    # the module's defaults (the conftest lowers N for speed; each hash says its own)
    assert PRODUCTION_N >= 2**17 and accounts.SCRYPT_R >= 8 and accounts.SCRYPT_P >= 1
    assert 128 * PRODUCTION_N * accounts.SCRYPT_R >= 128 * 1024 * 1024  # 128 MiB
    assert accounts.SALT_BYTES >= 16
    assert PRODUCTION_N <= accounts.MAX_N


def test_hash_and_verify() -> None:
    encoded = accounts.hash_password("rätt-lösenord")
    kind, n, r, p, salt, key = encoded.split("$")
    assert (kind, int(n), int(r), int(p)) == ("scrypt", accounts.SCRYPT_N, 8, 1)
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(key)) == 32
    assert accounts.verify_password("rätt-lösenord", encoded)
    assert not accounts.verify_password("fel-lösenord", encoded)
    assert not accounts.verify_password("rätt-lösenord ", encoded)
    # a new salt every time
    assert accounts.hash_password("rätt-lösenord") != encoded


def test_a_hash_keeps_working_when_the_defaults_change(monkeypatch: pytest.MonkeyPatch) -> None:
    old = accounts.hash_password("lösenordet", n=2**10)
    monkeypatch.setattr(accounts, "SCRYPT_N", 2**11)
    assert accounts.verify_password("lösenordet", old)


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "plain",
        "bcrypt$1$8$1$AAAA$AAAA",
        "scrypt$1048577$8$1$c2FsdHNhbHRzYWx0c2FsdA==$" + "A" * 44,  # not a power of two
        "scrypt$4194304$8$1$c2FsdHNhbHRzYWx0c2FsdA==$" + "A" * 44,  # too large: refused
        "scrypt$1024$8$1$not base64!$" + "A" * 44,
        "scrypt$1024$8$1$c2FsdA==$QUJD",  # key too short
    ],
)
def test_unreadable_or_hostile_hashes_never_verify(encoded: str) -> None:
    assert not accounts.verify_password("x", encoded)


def test_add_stores_hashes_only(acc: Accounts) -> None:
    editor, token = acc.add("anna", role="publisher", password="lösenord-123",
                                 actor="cli:root", now=NOW)
    assert editor.name == "anna" and editor.role == "publisher" and editor.has_password
    assert token.startswith("fdr_") and len(token) >= 40
    row = editor_row(acc.store, "anna")
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(row) and "lösenord-123" not in str(row)
    assert row["password_hash"].startswith("scrypt$")
    assert acc.by_token(token) == editor
    assert acc.login("anna", "lösenord-123") == editor
    assert acc.login("ANNA", "lösenord-123") == editor  # names ignore case
    assert acc.login("anna", "lösenord-124") is None


def test_an_editor_without_a_password_cannot_log_in(acc: Accounts) -> None:
    editor, token = acc.add("tore", actor="t", now=NOW)
    assert not editor.has_password and editor.role == "editor"
    assert acc.login("tore", "") is None
    assert acc.login("tore", "anything-at-all") is None
    assert acc.by_token(token) == editor


def test_rotate_remove_and_the_audit_log(acc: Accounts) -> None:
    _, first = acc.add("anna", actor="cli:root", now=NOW)
    second = acc.rotate_token("anna", actor="cli:root", now=NOW)
    assert second != first
    assert acc.by_token(first) is None
    assert acc.by_token(second) is not None
    acc.remove("anna", actor="cli:root", now=NOW)
    assert acc.by_token(second) is None
    assert acc.find("anna") is None
    log = [(e.actor, e.action, e.item_id) for e in reversed(acc.store.audit_log())]
    assert log == [("cli:root", "editor-add", None), ("cli:root", "editor-token", None),
                   ("cli:root", "editor-remove", None)]
    with pytest.raises(NotFoundError):
        acc.rotate_token("anna", actor="t", now=NOW)
    with pytest.raises(NotFoundError):
        acc.remove("anna", actor="t", now=NOW)


def test_a_name_is_unique_regardless_of_case(acc: Accounts) -> None:
    acc.add("Anna", actor="t", now=NOW)
    with pytest.raises(InputError) as err:
        acc.add("anna", actor="t", now=NOW)
    assert err.value.field == "name" and err.value.status == 409


@pytest.mark.parametrize(
    ("name", "role", "password", "field"),
    [
        ("", "editor", None, "name"),
        ("anna andersson", "editor", None, "name"),
        ("a" * 65, "editor", None, "name"),
        ("<script>", "editor", None, "name"),
        ("anna", "admin", None, "role"),
        ("anna", "editor", "kort", "password"),
        ("anna", "editor", "x" * 1025, "password"),
        ("\udcff", "editor", None, "name"),  # bytes that were not UTF-8
        ("an\x0bna", "editor", None, "name"),  # a line break inside
        ("a" * 70_000, "editor", None, "name"),
        ("anna", "editor", "\udcff" * 12, "password"),
    ],
)
def test_bad_account_input_names_the_field(
    acc: Accounts, name: str, role: str, password: str | None, field: str
) -> None:
    with pytest.raises(InputError) as err:
        acc.add(name, role=role, password=password, actor="t", now=NOW)
    assert err.value.field == field
    assert acc.all() == []


def test_swedish_names_are_fine(acc: Accounts) -> None:
    editor, _ = acc.add("åsa.öberg@lansstyrelsen.se", actor="t", now=NOW)
    assert acc.get("åsa.öberg@lansstyrelsen.se") == editor


def test_a_name_is_cleaned_and_one_name_however_it_is_typed(acc: Accounts) -> None:
    editor, _ = acc.add("A\u030asa\x00", actor="t", now=NOW)  # decomposed Å, a NUL
    assert editor.name == "Åsa"  # NFC, the control character removed
    assert acc.get("Åsa") == editor == acc.get(" A\u030asa ")
    with pytest.raises(InputError) as err:
        acc.add("Åsa", actor="t", now=NOW)
    assert err.value.status == 409


def test_names_no_editor_can_have_are_not_looked_up(
    acc: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_query(*args: object) -> None:
        raise AssertionError("looked up in the database")

    monkeypatch.setattr(acc.store, "find_editor", no_query)
    monkeypatch.setattr(acc.store, "editor_credentials", no_query)
    for name in ("\udcff", "a b", "x" * 5000, ""):
        assert acc.find(name) is None
        assert acc.login(name, "anna-lösenord-1") is None
        with pytest.raises(NotFoundError):
            acc.get(name)
    assert acc.login("anna", "\udcff" * 12) is None


def test_tokens_that_cannot_be_ours_are_not_looked_up(acc: Accounts) -> None:
    assert acc.by_token("") is None
    assert acc.by_token("not-a-token") is None
    assert acc.by_token("fdr_" + "x" * 500) is None


def _notice(level: Level, status: str = "published", withdrawn: bool = False) -> Item:
    return Item(id="notice:x", source="notice", level=level, title="t", body="",
                published=NOW, updated=NOW, status=status, withdrawn=withdrawn)


@pytest.mark.parametrize(
    ("role", "before", "after", "allowed"),
    [
        ("editor", None, _notice(Level.WARNING), True),
        ("editor", None, _notice(Level.SEVERE), False),
        ("editor", None, _notice(Level.CRITICAL), False),
        ("editor", None, _notice(Level.CRITICAL, status="draft"), True),
        ("editor", _notice(Level.SEVERE, status="draft"), _notice(Level.SEVERE), False),
        ("editor", _notice(Level.SEVERE), _notice(Level.INFO), False),
        ("editor", _notice(Level.SEVERE), None, False),
        ("editor", _notice(Level.SEVERE, withdrawn=True), None, True),
        ("editor", _notice(Level.NOTICE), _notice(Level.WARNING), True),
        ("publisher", None, _notice(Level.CRITICAL), True),
        ("publisher", _notice(Level.CRITICAL), None, True),
    ],
)
def test_roles(role: str, before: Item | None, after: Item | None, allowed: bool) -> None:
    editor = Editor(1, "x", Role(role), True, 0, NOW, NOW)
    if allowed:
        accounts.authorize(editor, before, after)
    else:
        with pytest.raises(accounts.RoleError) as err:
            accounts.authorize(editor, before, after)
        assert err.value.status == 403


def test_each_instance_bounds_its_concurrent_scrypt_runs(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = 0
    peak = 0
    lock = threading.Lock()
    real = accounts._scrypt

    def counting(*args: Any) -> bytes:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        try:
            return real(*args)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(accounts, "_scrypt", counting)
    acc = Accounts(store, budget=accounts.KdfBudget(slots=2, queue=10, per_minute=100))
    encoded = accounts.hash_password("lösenordet")
    threads = [threading.Thread(target=acc.verify_password, args=("lösenordet", encoded))
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == 2
