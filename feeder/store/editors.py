"""The ``editors`` table: accounts, their password and token hashes, and session generations.

The store keeps what :mod:`feeder.editors.accounts` computed (an scrypt string, a token's
SHA-256) and never sees a password or token. Every account change is audited in the same
transaction (``item_id`` NULL). Names are unique regardless of case.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ..errors import InputError, NotFoundError
from ..model import AuditAction, Editor, Role
from ..timeutil import iso_z, read_stored
from .audit import write_audit
from .base import StoreBase


def _editor(row: sqlite3.Row) -> Editor:
    return Editor(
        id=row["id"],
        name=row["name"],
        role=Role(row["role"]),
        has_password=row["password_hash"] is not None,
        session_gen=row["session_gen"],
        created=read_stored(row["created"]),
        token_created=read_stored(row["token_created"]) if row["token_created"] else None,
    )


def _row_named(db: sqlite3.Connection, name: str) -> sqlite3.Row:
    row: sqlite3.Row | None = db.execute(
        "SELECT * FROM editors WHERE name = ?", (name.strip(),)
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no editor named {name!r}")
    return row


class EditorsStore(StoreBase):
    # ------------------------------------------------------------------------- reading

    def editors(self) -> list[Editor]:
        """Every editor, by name."""
        return [_editor(r) for r in self._read("SELECT * FROM editors ORDER BY name")]

    def editor_count(self) -> int:
        return int(self._read("SELECT count(*) FROM editors")[0][0])

    def find_editor(self, name: str) -> Editor | None:
        """The editor of that name (any case), or None."""
        rows = self._read("SELECT * FROM editors WHERE name = ?", (name.strip(),))
        return _editor(rows[0]) if rows else None

    def editor_by_id(self, editor_id: int) -> Editor | None:
        rows = self._read("SELECT * FROM editors WHERE id = ?", (editor_id,))
        return _editor(rows[0]) if rows else None

    def editor_by_token_hash(self, token_hash: str) -> Editor | None:
        rows = self._read("SELECT * FROM editors WHERE token_hash = ?", (token_hash,))
        return _editor(rows[0]) if rows else None

    def editor_credentials(self, name: str) -> tuple[Editor, str | None] | None:
        """The editor of that name and its stored password hash (None: API only), or None."""
        rows = self._read("SELECT * FROM editors WHERE name = ?", (name.strip(),))
        if not rows:
            return None
        return _editor(rows[0]), rows[0]["password_hash"]

    # ------------------------------------------------------------------------- changing

    def add_editor(
        self,
        name: str,
        role: Role,
        *,
        password_hash: str | None,
        token_hash: str,
        actor: str,
        now: datetime,
    ) -> Editor:
        """Create an account (409 on ``name`` when one of that name exists, in any case)."""
        with self._write() as db:
            if db.execute("SELECT 1 FROM editors WHERE name = ?", (name,)).fetchone():
                raise InputError(f"an editor named {name!r} exists already", "name", status=409)
            db.execute(
                "INSERT INTO editors (name, role, password_hash, token_hash, created,"
                " token_created) VALUES (?, ?, ?, ?, ?, ?)",
                (name, str(role), password_hash, token_hash, iso_z(now), iso_z(now)),
            )
            write_audit(db, actor, AuditAction.EDITOR_ADD, None, None,
                        {"editor": name, "role": str(role), "password": password_hash is not None},
                        now)
            return _editor(_row_named(db, name))

    def remove_editor(self, name: str, *, actor: str, now: datetime) -> Editor:
        """Delete an account; its audit entries stay. NotFoundError for an unknown name."""
        with self._write() as db:
            editor = _editor(_row_named(db, name))
            db.execute("DELETE FROM editors WHERE id = ?", (editor.id,))
            write_audit(db, actor, AuditAction.EDITOR_REMOVE, None,
                        {"editor": editor.name, "role": str(editor.role)}, None, now)
        return editor

    def set_token_hash(self, name: str, token_hash: str, *, actor: str, now: datetime) -> Editor:
        """Replace the editor's API token (its hash): the old token stops working."""
        with self._write() as db:
            editor = _editor(_row_named(db, name))
            db.execute(
                "UPDATE editors SET token_hash = ?, token_created = ? WHERE id = ?",
                (token_hash, iso_z(now), editor.id),
            )
            write_audit(db, actor, AuditAction.EDITOR_TOKEN, None, None,
                        {"editor": editor.name}, now)
        return editor

    def set_password_hash(
        self, name: str, password_hash: str, *, actor: str, now: datetime
    ) -> Editor:
        """Set (or replace) the editor's password hash; their open sessions end."""
        with self._write() as db:
            editor = _editor(_row_named(db, name))
            db.execute(
                "UPDATE editors SET password_hash = ?, session_gen = session_gen + 1"
                " WHERE id = ?",
                (password_hash, editor.id),
            )
            write_audit(db, actor, AuditAction.EDITOR_PASSWORD, None, None,
                        {"editor": editor.name}, now)
        return editor

    def end_sessions(self, editor_id: int) -> None:
        """Invalidate every web session of the editor (bumps ``session_gen``)."""
        with self._write() as db:
            db.execute(
                "UPDATE editors SET session_gen = session_gen + 1 WHERE id = ?", (editor_id,)
            )
