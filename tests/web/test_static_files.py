"""Only regular files inside output_dir are served: links (wherever they point), FIFOs, sockets
and folders named like an output are 404, and none of them can stall the server."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from feeder.web import OutputCache
from tests.web.support import TOPIC_ID, Site

SECRET = b"root:x:0:0:do-not-serve:/root:/bin/bash\n"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "passwd").write_bytes(SECRET)
    (folder / f"{TOPIC_ID}.rss").write_bytes(SECRET)
    return folder


def _replace_with_link(path: Path, target: Path) -> None:
    path.unlink(missing_ok=True)
    Path(f"{path}.gz").unlink(missing_ok=True)
    path.symlink_to(target)


@pytest.mark.parametrize("name", ["banner.json", "feed.atom", "index.html", "extra.css"])
def test_a_link_to_a_file_outside_is_404(site: Site, outside: Path, name: str) -> None:
    _replace_with_link(site.root / name, outside / "passwd")
    reply = site.get(f"/{name}")
    assert reply.status == 404 and SECRET not in reply.body
    assert site.get("/banner.js").status == 200


def test_a_link_to_another_output_is_404_too(site: Site) -> None:
    _replace_with_link(site.root / "alerts.atom", site.root / "feed.atom")
    assert site.get("/alerts.atom").status == 404
    assert site.get("/feed.atom").status == 200


def test_a_linked_topics_folder_is_not_followed(site: Site, outside: Path) -> None:
    topics = site.root / "topics"
    for child in topics.iterdir():
        child.unlink()
    topics.rmdir()
    topics.symlink_to(outside)
    reply = site.get(f"/topics/{TOPIC_ID}.rss")
    assert reply.status == 404 and SECRET not in reply.body


def _answers_within(site: Site, path: str, seconds: float = 5) -> int:
    """The status of GET ``path``, failing the test if the server does not answer in time."""
    result: list[int] = []

    def ask() -> None:
        result.append(site.get(path).status)

    asker = threading.Thread(target=ask, daemon=True)
    asker.start()
    asker.join(seconds)
    assert result, f"GET {path} got no answer within {seconds} s"
    return result[0]


@pytest.mark.parametrize("name", ["feed.css", "banner.json"])
def test_a_fifo_named_like_an_output_never_stalls_the_server(site: Site, name: str) -> None:
    fifo = site.root / name
    fifo.unlink(missing_ok=True)
    Path(f"{fifo}.gz").unlink(missing_ok=True)
    os.mkfifo(fifo)
    try:
        assert _answers_within(site, f"/{name}") == 404
        assert _answers_within(site, "/feed.atom") == 200
        refreshed: list[list[str]] = []
        cache = OutputCache.for_config(site.config)  # as the app's, after every publish
        worker = threading.Thread(target=lambda: refreshed.append(cache.refresh()), daemon=True)
        worker.start()
        worker.join(5)
        assert refreshed, "reloading the cache after a publish stalled on the FIFO"
    finally:
        # Whatever happened, release a reader stuck on the FIFO (before the fix: the server).
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        except OSError:
            pass


def test_a_socket_or_a_folder_named_like_an_output_is_404(site: Site, tmp_path: Path) -> None:
    (site.root / "feed.rss").unlink()
    (site.root / "feed.rss").mkdir()
    (site.root / "banner.js").unlink()
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(site.root / "banner.js"))
        assert _answers_within(site, "/feed.rss") == 404
        assert _answers_within(site, "/banner.js") == 404
    assert _answers_within(site, "/feed.atom") == 200
