"""config.yaml, loaded and validated into frozen dataclasses.

Every key is read through :class:`~feeder.config.reader.Section`, which records the key's dotted
path (so the documentation test can list them all) and turns any wrong type, bad value or unknown
key into a :class:`~feeder.errors.ConfigError` that names the key. Secrets never live here: see
:func:`secret_key`.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError, quote
from ..ladder import DEFAULT_BANNER_MIN, Level
from ..sources.base import Setting, SourceSpec
from ..sources.registry import SPECS
from .model import (
    Banner,
    Config,
    Feeds,
    HttpSettings,
    Region,
    Server,
    SourceConfig,
    StandingNotice,
    Storage,
    Topic,
)
from .reader import (
    Section,
    between,
    http_url,
    hub_url,
    level_check,
    nonempty,
    port_number,
    topic_id,
)

__all__ = [
    "Banner", "Config", "Feeds", "HttpSettings", "Region", "Server", "SourceConfig",
    "StandingNotice", "Storage", "Topic", "default_path", "from_dict", "known_keys", "load",
    "secret_key",
]


MAX_LOOKAHEAD = 30 * 86400
"""The longest ``banner.lookahead``: a month ahead is no longer a warning."""
DAY = 86400
MAX_INTERVAL = DAY
"""The longest ``sources.*.interval``: a source polled less than daily is not a live source."""
MAX_STALE_AFTER = 30 * DAY
MAX_BACKOFF = DAY
MAX_TIMEOUT = 600.0
"""The longest connect or read timeout (seconds); ``http.total_timeout`` at most an hour."""
MAX_BYTES = 1 << 30
MAX_ITEMS = 10_000
MAX_EVENT_CLIENTS = 100_000
"""``server.event_clients`` at most (the web server also keeps it below half its connections)."""

def _read_region(root: Section) -> Region:
    sec = root.section("region")
    name = sec.get("name", str, "Västernorrlands län", check=nonempty)
    county = sec.get(
        "county_id", int, 22,
        check=lambda v: None if 1 <= v <= 99 else f"must be a county code 1-99, got {v}",
    )
    munis: dict[str, str] = {}
    raw = sec.get("municipalities", dict, None)
    if raw is None and county == 22:
        raw = {
            "2260": "Ånge", "2262": "Timrå", "2280": "Härnösand", "2281": "Sundsvall",
            "2282": "Kramfors", "2283": "Sollefteå", "2284": "Örnsköldsvik",
        }
    for code, muni in (raw or {}).items():
        code_s = str(code)
        if not re.fullmatch(r"\d{4}", code_s):
            raise ConfigError(f"municipality code must be 4 digits, got {code!r}",
                              "region.municipalities")
        if not isinstance(muni, str) or not muni.strip():
            raise ConfigError(f"name of {code_s} must be a string", "region.municipalities")
        munis[code_s] = muni.strip()
    sec.finish()
    return Region(name=name.strip(), county_id=county, municipalities=munis)


def _read_sources(root: Section) -> dict[str, SourceConfig]:
    """``sources``: one entry per source of the registry, each with its own keys."""
    sec = root.section("sources")
    out = {spec.name: _read_source(sec, spec) for spec in SPECS}
    sec.finish()
    return out


def _read_source(sources: Section, spec: SourceSpec) -> SourceConfig:
    src = sources.section(spec.name)
    enabled = src.get("enabled", bool, spec.enabled_by_default or spec.name in sources.data)
    url = src.get("url", str, spec.url, check=http_url)
    interval = src.get("interval", int, spec.interval,
                       check=between(0, MAX_INTERVAL, " seconds (a day)", above=True))
    stale_after = src.get("stale_after", int, min(spec.default_stale_after(interval),
                                                   MAX_STALE_AFTER),
                          check=between(0, MAX_STALE_AFTER, " seconds (30 days)", above=True))
    if stale_after < interval:
        raise ConfigError(
            f"must be at least the interval ({interval} s), got {stale_after}",
            src.key("stale_after"),
        )
    settings = {setting.key: _read_setting(src, setting) for setting in spec.settings}
    src.finish()
    return SourceConfig(spec.name, enabled, url, interval, stale_after, settings)


def _read_setting(src: Section, setting: Setting[Any]) -> object:
    """One of a source's own keys, validated and converted as its :class:`Setting` says."""
    value = src.get(setting.key, setting.accepts or setting.kind, None, check=setting.check)
    if value is None:
        return setting.default
    if setting.convert is not None:
        try:
            value = setting.convert(value)
        except ValueError as exc:
            raise ConfigError(str(exc), src.key(setting.key)) from exc
    return value


def _read_topics(root: Section) -> tuple[Topic, ...]:
    topics: list[Topic] = []
    ids: set[str] = set()
    for entry in root.items("topics"):
        tid = entry.get("id", str, required=True, check=topic_id)
        if tid in ids:
            raise ConfigError(f"duplicate topic id {tid!r}", entry.key("id"))
        ids.add(tid)
        title = entry.get("title", str, required=True, check=nonempty)
        words = entry.get("match", list, [])
        for i, word in enumerate(words):
            if not isinstance(word, str) or not word.strip():
                raise ConfigError("must be a non-empty string", f"{entry.key('match')}[{i}]")
        entry.finish()
        topics.append(Topic(tid, title.strip(), tuple(w.strip() for w in words)))
    return tuple(topics)


def _read_notices(root: Section) -> tuple[StandingNotice, ...]:
    """``notices``: each entry's keys and their types. What the values say (a time within
    1970–2999, a known topic, a title that is more than invisible characters, ...) is checked by
    :func:`feeder.notices.check_standing` with the rules of every editor's input: ``feeder check``
    and every command run it on the config they load."""
    out: list[StandingNotice] = []
    seen: set[str] = set()
    for entry in root.items("notices"):
        nid = entry.get(
            "id", str, required=True,
            check=lambda v: None if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}", v)
            else f"must be letters, digits, '.', '_' or '-', got {quote(v)}",
        )
        if nid in seen:
            raise ConfigError(f"duplicate notice id {nid!r}", entry.key("id"))
        seen.add(nid)
        fields: dict[str, Any] = {}
        fields["title"] = entry.get("title", str, required=True)
        fields["body"] = entry.get("body", str, "")
        fields["level"] = entry.get("level", (str, int), "info")
        for key in ("starts", "expires"):
            # a string, or what YAML makes of an unquoted 2026-06-12 (a date) or a time
            value = entry.get(key, (str, date), None)
            if value is not None:
                fields[key] = value
        fields["url"] = entry.get("url", str, None)
        fields["topics"] = _strings(entry, "topics")
        fields["areas"] = _strings(entry, "areas")
        entry.finish()
        out.append(StandingNotice(nid, fields, entry.path))
    return tuple(out)


def _strings(entry: Section, name: str) -> list[str]:
    """A list of strings (numbers taken as their digits: ``areas: [2281]``)."""
    values = entry.get(name, list, [])
    for i, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ConfigError("must be a string", f"{entry.key(name)}[{i}]")
    return [str(v) for v in values]


def from_dict(data: object, path: Path | None = None) -> Config:
    """Validate a parsed YAML document. Relative storage paths are relative to ``path``'s folder."""
    return _read(Section(data, ""), path)


def _read(root: Section, path: Path | None) -> Config:
    base = path.parent if path is not None else Path.cwd()
    region = _read_region(root)

    st = root.section("storage")
    database = base / st.get("database", str, "var/feeder.sqlite3", check=nonempty)
    output_dir = base / st.get("output_dir", str, "var/public", check=nonempty)
    st.finish()

    sv = root.section("server")
    host = sv.get("host", str, "127.0.0.1", check=nonempty)
    port = sv.get("port", int, 8080, check=port_number)
    public_url = sv.get("public_url", str, f"http://{host}:{port}/", check=http_url)
    if not public_url.endswith("/"):
        public_url += "/"
    event_clients = sv.get("event_clients", int, 500, check=between(0, MAX_EVENT_CLIENTS))
    sv.finish()

    bn = root.section("banner")
    min_level = Level.parse(
        bn.get("min_level", (str, int), DEFAULT_BANNER_MIN, check=level_check))
    lookahead = bn.get(
        "lookahead", int, 86400,
        check=lambda v: None if 0 <= v <= MAX_LOOKAHEAD
        else f"must be 0 to {MAX_LOOKAHEAD} seconds (30 days), got {v}",
    )
    bn.finish()

    fd = root.section("feeds")
    feeds = Feeds(
        max_items=fd.get("max_items", int, 100, check=between(0, MAX_ITEMS, above=True)),
        title=fd.get("title", str, f"Aktuellt i {region.name}", check=nonempty),
        description=fd.get(
            "description", str,
            f"Varningar, meddelanden och nyheter för {region.name}.", check=nonempty,
        ),
        websub_hub=fd.get("websub_hub", str, None, check=hub_url),
    )
    fd.finish()

    hp = root.section("http")
    http = HttpSettings(
        connect_timeout=hp.get("connect_timeout", float, 5.0,
                               check=between(0, MAX_TIMEOUT, " seconds", above=True)),
        read_timeout=hp.get("read_timeout", float, 20.0,
                            check=between(0, MAX_TIMEOUT, " seconds", above=True)),
        max_bytes=hp.get("max_bytes", int, 5_000_000,
                         check=between(0, MAX_BYTES, " bytes", above=True)),
        backoff_max=hp.get("backoff_max", int, 3600,
                           check=between(0, MAX_BACKOFF, " seconds (a day)", above=True)),
        total_timeout=hp.get("total_timeout", float, 60.0,
                             check=between(0, 6 * MAX_TIMEOUT, " seconds", above=True)),
    )
    hp.finish()

    sources = _read_sources(root)
    topics = _read_topics(root)
    notices = _read_notices(root)
    root.finish()
    return Config(
        path=path,
        region=region,
        storage=Storage(database=database, output_dir=output_dir),
        server=Server(host=host, port=port, public_url=public_url,
                      event_clients=event_clients),
        banner=Banner(min_level=min_level, lookahead=lookahead),
        feeds=feeds,
        http=http,
        sources=sources,
        topics=topics,
        notices=notices,
    )


def default_path() -> Path:
    """``$FEEDER_CONFIG``, then ``./config.yaml``."""
    return Path(os.environ.get("FEEDER_CONFIG") or "config.yaml")


def load(path: Path | str | None = None) -> Config:
    """Read and validate a config file; every problem is a :class:`ConfigError`."""
    path = Path(path) if path is not None else default_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {str(path)!r} not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {str(path)!r}: {exc}") from exc
    try:
        _refuse_duplicate_keys(yaml.compose(raw, Loader=yaml.SafeLoader), path)
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", exc)
        raise ConfigError(f"{path}: not valid YAML{where}: {problem}") from exc
    return from_dict(data, path.resolve())


def _refuse_duplicate_keys(node: yaml.Node | None, path: Path, where: str = "") -> None:
    """A key given twice in one mapping is an error naming it and both lines (YAML itself would
    silently keep the last one: a setting the operator believes in would be ignored)."""
    if isinstance(node, yaml.MappingNode):
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            dotted = f"{where}.{key}" if where else key
            line = key_node.start_mark.line + 1
            if key in lines and key != "<<":
                raise ConfigError(
                    f"given twice in {path}, at lines {lines[key]} and {line} (YAML would keep"
                    " the last one without a word): remove one", dotted)
            lines[key] = line
            _refuse_duplicate_keys(value_node, path, dotted)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _refuse_duplicate_keys(item, path, f"{where}[{index}]")


def known_keys() -> set[str]:
    """Every key path the loader reads (``topics[].id`` style), for the documentation test."""
    root = Section(
        {
            "topics": [{"id": "x", "title": "X", "match": ["x"]}],
            "notices": [{"id": "n", "title": "N"}],
            "sources": {spec.name: {} for spec in SPECS},
        },
        "",
    )
    _read(root, None)
    return root.seen


def secret_key() -> bytes | None:
    """The session-signing key: ``$FEEDER_SECRET_KEY`` or ``$CREDENTIALS_DIRECTORY/secret_key``."""
    value = os.environ.get("FEEDER_SECRET_KEY")
    if value:
        return value.encode()
    cred_dir = os.environ.get("CREDENTIALS_DIRECTORY")
    if cred_dir:
        path = Path(cred_dir) / "secret_key"
        if path.is_file():
            data = path.read_bytes().strip()
            return data or None
    return None
