"""The app factory: routes from other modules, the error mapping, publish-now, the lifespan."""

from __future__ import annotations

import json
import textwrap
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from feeder.config import Config
from feeder.errors import (
    AuthError,
    ConfigError,
    InputError,
    NotFoundError,
    SourceError,
    StoreError,
)
from feeder.server import BackgroundServer
from feeder.store import Store
from feeder.web import context, create_app
from tests.web.conftest import Site, write_output


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
    ("/auth", AuthError("missing bearer token"), 401, {"error": "missing bearer token"}),
    ("/role", AuthError("publisher role needed", status=403), 403,
     {"error": "publisher role needed"}),
    ("/missing", NotFoundError("no notice 'x'"), 404, {"error": "no notice 'x'"}),
    ("/store", StoreError("database is locked"), 503, {"error": "database is locked"}),
    ("/source", SourceError("smhi", "HTTP 500"), 502, {"error": "smhi: HTTP 500"}),
    ("/config", ConfigError("bad", "server.port"), 500, {"error": "internal server error"}),
    ("/bug", RuntimeError("secret internals"), 500, {"error": "internal server error"}),
    ("/gone", HTTPException(410, "gone for good"), 410, {"error": "gone for good"}),
]


@pytest.fixture
def error_site(site_config: Config) -> Iterator[Site]:
    routes = [Route(path, _raiser(exc)) for path, exc, _, _ in ERRORS]
    with Store(site_config.storage.database) as store:
        app = create_app(site_config, store, extra_routes=routes)
        with BackgroundServer(app) as server:
            yield Site(site_config, store, server)


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


def test_unknown_route_and_wrong_method_are_json(error_site: Site) -> None:
    assert error_site.get("/nothing/here").status == 404
    reply = error_site.request("POST", "/healthz")
    assert reply.status == 405
    assert json.loads(reply.body) == {"error": "Method Not Allowed"}


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
    with Store(site_config.storage.database) as store:
        app = create_app(site_config, store, route_modules=["feeder_test_api"])
        with BackgroundServer(app) as server:
            site = Site(site_config, store, server)
            listing = site.get("/api/notices")
            assert listing.status == 200
            assert json.loads(listing.body) == {"region": "Västernorrlands län", "same": True}
            created = site.request("POST", "/api/notices")
            assert created.status == 422
            assert json.loads(created.body) == {"error": "is required", "field": "title"}


class FakeService:
    """Stands in for the scheduler: counts calls, "publishes" by writing banner.json."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.started = threading.Event()
        self.stopped = threading.Event()
        self.published = 0

    def start(self) -> None:
        self.started.set()

    def stop(self) -> None:
        self.stopped.set()

    def publish_now(self) -> Any:
        self.published += 1
        write_output(self.root, "banner.json",
                     json.dumps({"alerts": [], "n": self.published}).encode())
        return {"next_change": datetime(2030, 1, 1, tzinfo=UTC)}


def test_lifespan_starts_and_stops_the_service_and_publish_now_serves_new_bytes(
    site_config: Config, published: dict[str, bytes]
) -> None:
    service = FakeService(site_config.storage.output_dir)

    def publish_endpoint(request: Request) -> JSONResponse:
        # What the notice API does after an accepted change: publish, then answer.
        result = context(request).publish_now()
        return JSONResponse({"next_change": result["next_change"].isoformat()})

    with Store(site_config.storage.database) as store:
        app = create_app(site_config, store, service=service,
                         extra_routes=[Route("/publish", publish_endpoint, methods=["POST"])])
        with BackgroundServer(app) as server:
            assert service.started.is_set() and not service.stopped.is_set()
            site = Site(site_config, store, server)
            assert site.get("/banner.json").body == published["banner.json"]
            reply = site.request("POST", "/publish")
            assert reply.status == 200
            assert json.loads(site.get("/banner.json").body) == {"alerts": [], "n": 1}
        assert service.stopped.is_set()
    assert service.published == 1
