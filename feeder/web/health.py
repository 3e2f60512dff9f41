"""``GET /healthz``: every enabled source's freshness, from the database only (never a fetch)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from ..app import Feeder
from ..timeutil import iso_z, utcnow
from .context import context


def health_report(feeder: Feeder, now: datetime) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body): 200 ``ok`` when no source is stale, else 503 ``degraded``."""
    current = feeder.statuses(now)
    degraded = any(s.stale for s in current.values())
    body = {
        "status": "degraded" if degraded else "ok",
        "sources": {
            name: {
                "ok": s.ok,
                "stale": s.stale,
                "since": iso_z(s.since),
                "last_attempt": iso_z(s.last_attempt),
                "last_success": iso_z(s.last_success),
                "last_error": s.last_error,
                "failures": s.failures,
            }
            for name, s in current.items()
        },
    }
    return (503 if degraded else 200), body


def healthz(request: Request) -> JSONResponse:
    """A plain (sync) endpoint: Starlette runs it in its thread pool, off the event loop."""
    ctx = context(request)
    status, body = health_report(ctx.feeder, utcnow())
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
