"""The app factory: routes from other modules, the error mapping, publish-now, the lifespan."""

from __future__ import annotations

import json
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from feeder.app import Feeder
from feeder.config import Config
from feeder.errors import (
    AuthError,
    ConfigError,
    InputError,
    NotFoundError,
    PublishError,
    SourceError,
    StoreBusyError,
    StoreError,
)
from feeder.server import BackgroundServer
from feeder.web import context, create_app
from tests.web.support import Site


def _raiser(exc: Exception):  # type: ignore[no-untyped-def]
    def endpoint(request: Request) -> JSONResponse:
        raise exc

    return endpoint


ERRORS: list[tuple[str, Exception, int, dict[str, Any]]] = [
    ("/input", InputError("must be at most 200 characters", "title"), 400,
     {"error": "must be at most 200 characters", "field": "title"}),
    ("/too-big", InputError("body over 64 KiB", "body", status=413), 413,
     {"error": "body over 64 KiB", "field": "body"}),
    ("/media", InputError("send application/json", None, status=415), 415,
     {"error": "send application/json", "field": None}),
    ("/auth", AuthError("missing bearer token"), 401,
     {"error": "missing bearer token", "field": None}),
    ("/role", AuthError("publisher role needed", status=403), 403,
     {"error": "publisher role needed", "field": None}),
    ("/missing", NotFoundError("no notice 'x'"), 404, {"error": "no notice 'x'", "field": None}),
    ("/store", StoreError("database is unusable"), 503,
     {"error": "database is unusable", "field": None}),
    ("/busy", StoreBusyError("database is locked", retry_after=7), 503,
     {"error": "database is locked", "field": None}),
    ("/unpublished", PublishError("saved, not published", item_id="notice:abc"), 503,
     {"error": "saved, not published", "field": None, "id": "notice:abc"}),
    ("/source", SourceError("smhi", "HTTP 500"), 502, {"error": "smhi: HTTP 500", "field": None}),
    ("/config", ConfigError("bad", "server.port"), 500,
     {"error": "internal server error", "field": None}),
    ("/bug", RuntimeError("secret internals"), 500,
     {"error": "internal server error", "field": None}),
    ("/gone", HTTPException(410, "gone for good"), 410, {"error": "gone for good", "field": None}),
]


@pytest.fixture
def error_site(site_config: Config) -> Iterator[Site]:
    routes = [Route(path, _raiser(exc)) for path, exc, _, _ in ERRORS]
    with Feeder(site_config) as feeder:
        app = create_app(feeder, extra_routes=routes)
        with BackgroundServer(app) as server:
            yield Site(feeder, server)


@pytest.mark.parametrize("path, status, body", [(p, s, b) for p, _, s, b in ERRORS])
def test_errors_map_to_statuses_in_one_place(
    error_site: Site, path: str, status: int, body: dict[str, Any]
) -> None:
    reply = error_site.get(path)
    assert reply.status == status
    assert reply.header("content-type") == "application/json"
    assert json.loads(reply.body) == body
    assert b"secret internals" not in reply.body


def test_401_asks_for_a_bearer_token(error_site: Site) -> None:
    assert error_site.get("/auth").header("www-authenticate") == 'Bearer realm="feeder"'
    assert error_site.get("/role").header("www-authenticate") is None


def test_a_busy_database_and_an_unpublished_change_say_when_to_retry(error_site: Site) -> None:
    assert error_site.get("/busy").header("retry-after") == "7"
    assert error_site.get("/unpublished").header("retry-after") == "60"
    assert error_site.get("/store").header("retry-after") is None


def test_unknown_route_and_wrong_method_are_json(error_site: Site) -> None:
    assert error_site.get("/nothing/here").status == 404
    reply = error_site.request("POST", "/healthz")
    assert reply.status == 405
    assert json.loads(reply.body) == {"error": "Method Not Allowed", "field": None}


def test_route_modules_contribute_routes_with_the_context(
    site_config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = tmp_path / "plugins"
    pkg.mkdir()
    (pkg / "feeder_test_api.py").write_text(textwrap.dedent('''
        from starlette.responses import JSONResponse
        from starlette.routing import Mount, Route
        from feeder.errors import InputError
        from feeder.web import context

        def routes(ctx):
            def listing(request):
                return JSONResponse({"region": context(request).config.region.name,
                                     "same": context(request) is ctx})
            def create(request):
                raise InputError("is required", "title", status=422)
            return [Mount("/api", routes=[Route("/notices", listing, methods=["GET"]),
                                          Route("/notices", create, methods=["POST"])])]
    '''))
    monkeypatch.syspath_prepend(str(pkg))
    with Feeder(site_config) as feeder:
        app = create_app(feeder, route_modules=["feeder_test_api"])
        with BackgroundServer(app) as server:
            site = Site(feeder, server)
            listing = site.get("/api/notices")
            assert listing.status == 200
            assert json.loads(listing.body) == {"region": "Västernorrlands län", "same": True}
            created = site.request("POST", "/api/notices")
            assert created.status == 422
            assert json.loads(created.body) == {"error": "is required", "field": "title"}


class FakeService:
    """Stands in for the scheduler: records that the app's lifespan starts and stops it."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.stopped = threading.Event()

    def start(self) -> None:
        self.started.set()

    def stop(self) -> None:
        self.stopped.set()


def test_lifespan_starts_and_stops_the_service_and_publish_now_serves_new_bytes(
    site_config: Config, published: dict[str, bytes]
) -> None:
    service = FakeService()

    def publish_endpoint(request: Request) -> JSONResponse:
        # What the notice API does after an accepted change: publish, then answer.
        result = context(request).publish_now()
        return JSONResponse({"changed": result.changed})

    with Feeder(site_config) as feeder:
        app = create_app(feeder, service=service,
                         extra_routes=[Route("/publish", publish_endpoint, methods=["POST"])])
        with BackgroundServer(app) as server:
            assert service.started.is_set() and not service.stopped.is_set()
            site = Site(feeder, server)
            assert site.get("/banner.json").body == published["banner.json"]
            reply = site.request("POST", "/publish")
            assert reply.status == 200
            assert "banner.json" in json.loads(reply.body)["changed"]
            banner = json.loads(site.get("/banner.json").body)
            assert banner["region"] == "Västernorrlands län" and banner["alerts"] == []
            assert "x" not in banner  # the stand-in was replaced by the real publisher's
        assert service.stopped.is_set()
