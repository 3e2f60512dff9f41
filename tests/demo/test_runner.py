"""The pieces of ``feeder demo``'s start: the config it writes (every source on its loopback
upstream, storage in its temporary folder), the port check, the printed addresses, and the sample
data shipped as package data."""

from __future__ import annotations

import os
import socket
import tomllib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from feeder.config import SourceConfig
from feeder.demo import runner
from feeder.demo.runner import Options, addresses, check_port, demo_config, local_url
from feeder.demo.sample import ARTICLES, PATHS, Sample, data_file
from feeder.demo.upstream import Upstream
from feeder.errors import FeederError, InputError

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "feeder" / "demo" / "data"


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    u = Upstream().start()
    yield u
    u.stop()


def test_every_source_points_at_the_loopback_upstream(tmp_path: Path, upstream: Upstream) -> None:
    config = runner.write_config(tmp_path, demo_config(tmp_path, upstream, Options(port=8181)))
    assert config.enabled_sources == ["smhi", "lansstyrelsen", "vma", "krisinformation"]
    for name, source in config.sources.items():
        assert isinstance(source, SourceConfig)
        url = urlsplit(source.url)
        assert (url.scheme, url.hostname, url.port) == ("http", "127.0.0.1", upstream.port), name
        assert url.path == PATHS[name]
        assert source.interval <= 60
    assert config.sources["smhi"].interval == config.sources["vma"].interval == 2
    assert config.sources["lansstyrelsen"].settings["article_delay"] == 0
    assert config.storage.database.parent == tmp_path
    assert config.storage.output_dir.parent == tmp_path
    assert (config.server.host, config.server.port) == ("127.0.0.1", 8181)
    assert config.server.public_url == "http://127.0.0.1:8181/"
    assert [t.id for t in config.topics] == ["handlingsplan-mot-vald"]
    assert config.path == tmp_path / "config.yaml"


def test_the_topic_is_the_shipped_config_s() -> None:
    shipped = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    assert shipped["topics"] == [runner.TOPIC]


@pytest.mark.parametrize(("host", "url"), [
    ("127.0.0.1", "http://127.0.0.1:8080/"),
    ("0.0.0.0", "http://127.0.0.1:8080/"),
    ("::", "http://[::1]:8080/"),
    ("::1", "http://[::1]:8080/"),
    ("localhost", "http://localhost:8080/"),
])
def test_the_address_to_open(host: str, url: str) -> None:
    assert local_url(host, 8080) == url


def test_a_taken_port_is_refused_before_anything_starts() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(FeederError, match=rf"cannot serve on 127.0.0.1:{port}: .*--port"):
            check_port("127.0.0.1", port)
    check_port("127.0.0.1", port)  # free again


def test_an_unknown_host_names_the_option() -> None:
    with pytest.raises(InputError) as caught:
        check_port("no-such-host.invalid", 8080)
    assert caught.value.field == "--host"


def test_the_printed_addresses(tmp_path: Path, upstream: Upstream) -> None:
    config = runner.write_config(tmp_path, demo_config(tmp_path, upstream, Options(port=8181)))
    text = addresses(config, upstream, "s3cret-password")
    base = "http://127.0.0.1:8181/"
    for url in ("", "demo/kommun.html", "banner.json", "banner.js", "banner.html", "feed.atom",
                "alerts.atom", "topics/handlingsplan-mot-vald.atom", "healthz", "admin/"):
        assert f" {base}{url}" in text, url
    assert "name: demo  password: s3cret-password" in text
    assert f"feeder --config {tmp_path / 'config.yaml'} notice add" in text
    assert upstream.base_url in text


def test_the_session_key_is_random_and_only_in_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FEEDER_SECRET_KEY", "the operator's own key, left alone")
    keys = []
    for _ in range(2):
        with runner._secret_key():
            keys.append(os.environ["FEEDER_SECRET_KEY"])
    assert keys[0] != keys[1]
    assert all(len(bytes.fromhex(key)) == 32 for key in keys)
    assert os.environ["FEEDER_SECRET_KEY"] == "the operator's own key, left alone"


def test_every_data_file_is_package_data_and_used() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["tool"]["setuptools"]["package-data"]["feeder.demo"] == ["data/*"]
    files = sorted(p.name for p in DATA.iterdir())
    assert all((DATA / name).is_file() for name in files)  # data/* takes no subfolders
    sources = "".join((ROOT / "feeder" / "demo" / f).read_text(encoding="utf-8")
                      for f in ("sample.py", "scenario.py", "pages.py"))
    for name in files:
        assert data_file(name) == (DATA / name).read_bytes()
        assert name in sources, f"{name} is shipped but not used"


def test_the_news_list_links_exactly_the_articles_served() -> None:
    sample = Sample()
    pages = sample.news()
    listed = set()
    for href in pages[PATHS["lansstyrelsen"]][0].decode().split('href="')[1:]:
        path = href.split('"')[0]
        if "/nyheter---vasternorrland/" in path:
            listed.add(path)
    assert listed == set(pages) - {PATHS["lansstyrelsen"]}
    assert len(listed) == len(ARTICLES)
