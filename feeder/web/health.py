"""``GET /healthz``: every enabled source's freshness and the last publish, from the database
and the output folder only (never a fetch, never a publish).

``status`` (HTTP status):

- ``degraded`` (503): a source is stale (no success for its ``stale_after``), or the last
  publish failed or had to leave items out (``publish.left_out``);
- ``starting`` (503): otherwise, while an enabled source has never succeeded (a first start
  without network): the outputs cannot yet say that there are no warnings;
- ``ok`` (200): every source has answered and is fresh, and the last publish was complete.

With ``feeds.websub_hub``, a ``websub`` block says how telling the hub goes (its host, the
notifications waiting, the last one sent, the last failure and when): for the operator only,
it never changes ``status`` (a hub is optional, and its readers still poll). Likewise a
``live_banner`` block (where ``/banner/events`` is served): the pages following it now, the
limit (``server.event_clients``, or half the connections), the documents sent since the start.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from ..app import Feeder
from ..publish import outcome
from ..status import Condition, condition, state_since
from ..timeutil import iso_z, utcnow
from .context import context


def health_report(feeder: Feeder, now: datetime, live: Mapping[str, int] | None = None
                  ) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body): 200 ``ok``, else 503 ``degraded`` or ``starting``. ``live``: the
    live banner's figures (``live_banner``; they never change the status)."""
    current = feeder.statuses(now)
    published = outcome.latest(feeder.config.storage.output_dir)
    if any(s.stale for s in current.values()) or (
            published is not None and not published.healthy):
        status = "degraded"
    elif any(condition(s) is Condition.UNKNOWN for s in current.values()):
        status = "starting"
    else:
        status = "ok"
    body = {
        "status": status,
        "sources": {
            name: {
                "state": str(condition(s)),
                "ok": s.ok,
                "stale": s.stale,
                "since": iso_z(state_since(s)),
                "last_attempt": iso_z(s.last_attempt),
                "last_success": iso_z(s.last_success),
                "last_error": s.last_error,
                "failures": s.failures,
            }
            for name, s in current.items()
        },
        "publish": published.report() if published is not None else dict(outcome.NEVER),
    }
    if feeder.websub is not None:
        body["websub"] = feeder.websub.report()
    if live is not None:
        body["live_banner"] = dict(live)
    return (200 if status == "ok" else 503), body


def healthz(request: Request) -> JSONResponse:
    """A plain (sync) endpoint: Starlette runs it in its thread pool, off the event loop."""
    ctx = context(request)
    events = getattr(request.app, "events", None)
    status, body = health_report(ctx.feeder, utcnow(),
                                 events.report() if events is not None else None)
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
