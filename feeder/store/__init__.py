"""The SQLite store: the only code in feeder that runs SQL.

One :class:`Store` composed of per-domain parts, each a module of its own:

- :mod:`.items`: items of every source (upsert, read, end what vanished, change detector);
- :mod:`.sources`: per-source state (validators, failures, backoff, shown state);
- :mod:`.notices`: an editor's notice and its audit entry in one transaction;
- :mod:`.audit`: the audit log;
- :mod:`.editors`: editor accounts (password and token hashes, session generations).

:mod:`.db` opens the file (pragmas, ``BEGIN IMMEDIATE``, :mod:`.migrations`); :mod:`.base` holds
the connection and the two helpers every statement goes through, which turn every
``sqlite3.Error`` into a :class:`~feeder.errors.StoreError` (a locked or busy database:
:class:`~feeder.errors.StoreBusyError`) with the cause chained.
"""

from __future__ import annotations

from .audit import AuditStore
from .editors import EditorsStore
from .items import ItemsStore
from .notices import NoticesStore, notice_snapshot
from .sources import SourcesStore

__all__ = ["Store", "notice_snapshot"]


class Store(ItemsStore, SourcesStore, NoticesStore, AuditStore, EditorsStore):
    """One open database. Safe to share between threads (one connection, one lock)."""
