"""The published files of ``output_dir``, held in memory with their HTTP headers precomputed.

Only names on the allow-list are ever looked up: the product's output names, one feed per
configured topic under ``topics/`` and top-level stylesheets (``*.css``). A request
path is never joined onto the folder, so there is no path to traverse.

Each lookup costs one ``stat`` (not following a link). When the file's (inode, size, mtime)
differ from what is held, the file is read again (and its ``.gz`` sibling), so what another
``feeder`` process published meanwhile is served at once. Only regular files inside the folder
are served (:func:`read_inside`): a symbolic link at any level below ``output_dir``, a FIFO, a
socket or a device named like an output is refused without being read, so nothing here can
leak a file from elsewhere or block the event loop. Everything a response needs is computed at
load time: the identity and gzip bytes, a strong ETag per representation, Last-Modified and the
complete header lists. Nothing is compressed per request; if the publisher's ``.gz`` is missing
or does not match the file (caught between two renames), the bytes are compressed once here
instead. The responses are also kept as HTTP/1.1 bytes (``Entry.raw``) for the server's fast path.

With a WebSub hub (``feeds.websub_hub``) a feed's 200 answers (RSS, Atom, JSON Feed, not its
HTML page) carry the hub and the feed's self URL as one ``Link`` header, as WebSub's discovery
asks: made once per name when the cache is built, part of the precomputed headers of both
paths.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import stat
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote

from ..config import Config
from ..publish.spec import feed_file, feed_url

Headers = list[tuple[bytes, bytes]]

FEED_NAMES = ("feed", "alerts")
FEED_EXTENSIONS = ("rss", "atom", "json", "html")
"""Each feed's formats, and its HTML page (what a browser gets at its address: negotiate.py)."""
FIXED_NAMES = (
    *(f"{base}.{ext}" for base in FEED_NAMES for ext in FEED_EXTENSIONS),
    "banner.json",
    "banner.js",
    "banner.html",
    "index.html",
)
STYLE_PATH = re.compile(r"/[a-z0-9][a-z0-9_-]{0,63}\.css")

_TYPES = {
    "rss": b"application/rss+xml; charset=utf-8",
    "atom": b"application/atom+xml; charset=utf-8",
    "json": b"application/json; charset=utf-8",
    "js": b"text/javascript; charset=utf-8",
    "html": b"text/html; charset=utf-8",
    "css": b"text/css; charset=utf-8",
}
FEED_JSON_TYPE = b"application/feed+json; charset=utf-8"
BROWSER_XML_TYPE = b"application/xml; charset=utf-8"

BANNER_CACHE = b"public, max-age=60, stale-while-revalidate=30, stale-if-error=3600"
FEED_CACHE = b"public, max-age=300, stale-while-revalidate=60, stale-if-error=86400"
PAGE_CACHE = b"public, max-age=60, stale-if-error=3600"
STYLE_CACHE = b"public, max-age=3600"


@dataclass(frozen=True, slots=True)
class Kind:
    """What a name is: its content type(s) and header policy."""

    content_type: bytes
    browser_type: bytes | None
    """Content type when the request's Accept prefers text/html (RSS/Atom only)."""
    cache_control: bytes
    cors: bool
    negotiated: bool = False
    """A feed's page: also what a browser gets at the feed's address (``Vary: Accept``)."""


def kind_of(name: str) -> Kind:
    base, _, ext = name.rpartition(".")
    is_feed = base in FEED_NAMES or base.startswith("topics/")
    if base == "banner":
        return Kind(_TYPES[ext], None, BANNER_CACHE, cors=True)
    if is_feed and ext in ("rss", "atom"):
        return Kind(_TYPES[ext], BROWSER_XML_TYPE, FEED_CACHE, cors=True)
    if is_feed and ext == "json":
        return Kind(FEED_JSON_TYPE, None, FEED_CACHE, cors=True)
    if is_feed and ext == "html":
        return Kind(_TYPES[ext], None, FEED_CACHE, cors=False, negotiated=True)
    if ext == "css":
        return Kind(_TYPES[ext], None, STYLE_CACHE, cors=False)
    return Kind(_TYPES[ext], None, PAGE_CACHE, cors=False)


@dataclass(frozen=True, slots=True)
class Entry:
    """One published file as served: immutable, replaced as a whole when the file changes."""

    name: str
    key: tuple[int, int, int]
    """(inode, size, mtime_ns) of the file the bytes were read from."""
    body: bytes
    gzip_body: bytes | None
    """Precompressed bytes, or None when gzip would not be smaller."""
    etag: bytes
    gzip_etag: bytes
    mtime: int
    """Last-Modified as Unix seconds."""
    negotiates_type: bool
    """RSS/Atom: browsers get application/xml."""
    headers: dict[tuple[bool, bool], Headers]
    """200 headers by (gzip, browser)."""
    not_modified: dict[tuple[bool, bool], Headers]
    """304 headers by (gzip, browser)."""
    raw: dict[tuple[int, bool, bool], bytes]
    """The same responses as HTTP/1.1 bytes, status line and header lines (each ending in
    CRLF), by (status, gzip, browser): what the server's fast path writes before the ``date``
    line and the blank line (:func:`feeder.web.static.raw_response`)."""

    def matches(self, if_none_match: bytes) -> bool:
        """Weak comparison, as RFC 9110 prescribes for If-None-Match, against both variants."""
        if if_none_match.strip() == b"*":
            return True
        for tag in if_none_match.split(b","):
            tag = tag.strip()
            if tag.startswith(b"W/"):
                tag = tag[2:]
            if tag == self.etag or tag == self.gzip_etag:
                return True
        return False


def _etag(digest: str, suffix: str = "") -> bytes:
    return f'"{digest}{suffix}"'.encode()


def link_header(public_url: str, hub: str, name: str) -> bytes | None:
    """The ``Link`` header of feed ``name`` (``feed.atom``, ``topics/<id>.rss``): the hub and
    the feed's self URL (as its self link, percent-encoded where a header needs it); None for
    anything that is not a feed."""
    found = feed_file(name)
    if found is None:
        return None
    urls = [_header_url(hub), _header_url(feed_url(public_url, *found))]
    return f'<{urls[0]}>; rel="hub", <{urls[1]}>; rel="self"'.encode("ascii")


def _header_url(url: str) -> str:
    """``url`` as plain ASCII without spaces, quotes or angle brackets (an unchanged URL when
    it was one; an IRI's other characters percent-encoded as UTF-8)."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def build_entry(name: str, key: tuple[int, int, int], mtime: int, body: bytes,
                gz_candidate: bytes | None, link: bytes | None = None,
                extra: Headers | None = None) -> Entry:
    """Everything a response for ``name`` needs, computed once; ``link``: its WebSub ``Link``
    header (:func:`link_header`), sent with the 200s; ``extra``: more headers for every
    response (200 and 304; :meth:`OutputCache.add_headers`)."""
    kind = kind_of(name)
    gzip_body = _gzip_for(body, gz_candidate)
    digest = hashlib.blake2b(body, digest_size=16).hexdigest()
    etag, gzip_etag = _etag(digest), _etag(digest, "-gz")
    last_modified = formatdate(mtime, usegmt=True).encode()
    negotiated = kind.browser_type is not None or kind.negotiated
    vary = b"Accept, Accept-Encoding" if negotiated else b"Accept-Encoding"
    headers: dict[tuple[bool, bool], Headers] = {}
    not_modified: dict[tuple[bool, bool], Headers] = {}
    for use_gzip in (False, True):
        for browser in (False, True):
            common: Headers = [
                (b"etag", gzip_etag if use_gzip and gzip_body is not None else etag),
                (b"last-modified", last_modified),
                (b"cache-control", kind.cache_control),
                (b"vary", vary),
            ]
            if kind.cors:
                common.append((b"access-control-allow-origin", b"*"))
            common += extra or []
            not_modified[(use_gzip, browser)] = common
            ctype = kind.browser_type if browser and kind.browser_type else kind.content_type
            full = [*common, (b"content-type", ctype), (b"x-content-type-options", b"nosniff")]
            if link is not None:
                full.append((b"link", link))
            if use_gzip and gzip_body is not None:
                full += [(b"content-encoding", b"gzip"),
                         (b"content-length", str(len(gzip_body)).encode())]
            else:
                full.append((b"content-length", str(len(body)).encode()))
            headers[(use_gzip, browser)] = full
    raw = {}
    for variant in headers:
        raw[(200, *variant)] = raw_head(200, headers[variant])
        raw[(304, *variant)] = raw_head(304, not_modified[variant])
    return Entry(
        name=name, key=key, body=body, gzip_body=gzip_body, etag=etag, gzip_etag=gzip_etag,
        mtime=mtime, negotiates_type=kind.browser_type is not None, headers=headers,
        not_modified=not_modified, raw=raw,
    )


def raw_head(status: int, headers: Headers) -> bytes:
    """``HTTP/1.1 <status> <phrase>`` and the header lines, each ending in CRLF."""
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n".encode("ascii")]
    lines += [name + b": " + value + b"\r\n" for name, value in headers]
    return b"".join(lines)


def _gzip_for(body: bytes, candidate: bytes | None) -> bytes | None:
    """The publisher's .gz if it holds exactly ``body``, else our own; None if not smaller."""
    compressed: bytes | None = None
    if candidate is not None:
        try:
            if gzip.decompress(candidate) == body:
                compressed = candidate
        except (OSError, EOFError, ValueError):
            compressed = None
    if compressed is None:
        compressed = gzip.compress(body, compresslevel=9, mtime=0)
    return compressed if len(compressed) < len(body) else None


class OutputCache:
    """The allow-listed files of one output folder, reloaded when they change on disk."""

    def __init__(self, output_dir: Path, topic_ids: Iterable[str] = (), *,
                 public_url: str | None = None, hub: str | None = None) -> None:
        """``hub`` (a WebSub hub) and ``public_url`` (the feeds' base): the feeds' ``Link``."""
        self.root = Path(output_dir)
        names = list(FIXED_NAMES)
        for tid in topic_ids:
            names += [f"topics/{tid}.{ext}" for ext in FEED_EXTENSIONS]
        self._links: dict[str, bytes] = {}
        if hub is not None and public_url is not None:
            for name in names:
                link = link_header(public_url, hub, name)
                if link is not None:
                    self._links[name] = link
        self._paths: dict[str, tuple[str, str]] = {
            f"/{n}": (n, os.path.join(self.root, n)) for n in names
        }
        self._paths["/"] = self._paths["/index.html"]
        self._entries: dict[str, Entry] = {}
        self._extra: dict[str, Headers] = {}
        self._lock = threading.Lock()

    @classmethod
    def for_config(cls, config: Config) -> OutputCache:
        return cls(config.storage.output_dir, (t.id for t in config.topics),
                   public_url=config.server.public_url, hub=config.feeds.websub_hub)

    def add_headers(self, name: str, headers: Headers) -> None:
        """Send ``headers`` with every response for the published file ``name`` (200 and 304;
        e.g. ``Link`` to the live banner's events on banner.json)."""
        with self._lock:
            self._extra[name] = [*self._extra.get(name, []), *headers]
            self._entries.pop(name, None)

    def lookup(self, path: str) -> Entry | None:
        """The current entry for a request path; None if not allowed or not published (yet)."""
        target = self._paths.get(path)
        if target is None:
            if not STYLE_PATH.fullmatch(path):
                return None
            target = (path[1:], os.path.join(self.root, path[1:]))
        name, full = target
        try:
            st = os.stat(full, follow_symlinks=False)
        except OSError:
            st = None
        if st is None or not stat.S_ISREG(st.st_mode):  # gone, a link, a FIFO, a folder ...
            self._entries.pop(name, None)
            return None
        entry = self._entries.get(name)
        if entry is not None and entry.key == (st.st_ino, st.st_size, st.st_mtime_ns):
            return entry
        return self._load(name)

    def _load(self, name: str) -> Entry | None:
        loaded = read_inside(self.root, name)
        if loaded is None:
            self._entries.pop(name, None)
            return None
        st, body = loaded
        twin = read_inside(self.root, f"{name}.gz")
        candidate = twin[1] if twin is not None else None
        key = (st.st_ino, st.st_size, st.st_mtime_ns)
        entry = build_entry(name, key, int(st.st_mtime), body, candidate,
                            self._links.get(name), self._extra.get(name, []))
        with self._lock:
            current = self._entries.get(name)
            # Two threads loading at once: keep the one read from the newer file.
            if current is None or current.key[2] <= key[2]:
                self._entries[name] = entry
        return entry

    def refresh(self) -> list[str]:
        """Reload every allow-listed file that changed (call after a publish); their names."""
        paths = [p for p in self._paths if p != "/"]
        paths += [f"/{n}" for n in self._style_names()]
        changed: list[str] = []
        for path in paths:
            name = path[1:]
            before = self._entries.get(name)
            after = self.lookup(path)
            if (before.key if before else None) != (after.key if after else None):
                changed.append(name)
        return changed

    def _style_names(self) -> list[str]:
        try:
            return sorted(n for n in os.listdir(self.root) if STYLE_PATH.fullmatch(f"/{n}"))
        except OSError:
            return []


_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_DIR_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY | os.O_CLOEXEC
MAX_FILE = 64 * 1024 * 1024
"""A published file larger than this is not served (the outputs are far smaller)."""


def read_inside(root: Path, name: str) -> tuple[os.stat_result, bytes] | None:
    """The stat and bytes of the regular file ``name`` (``a.rss``, ``topics/b.rss``) inside
    ``root``, or None.

    Every component below ``root`` is opened without following a symbolic link (a link there
    is refused, wherever it points), and the file without blocking: a FIFO, a socket or a device
    named like an output is refused before a byte is read, so nothing here can stall the event
    loop. ``root`` itself may be a link (the operator's choice of folder).
    """
    parts = name.split("/")
    try:
        dir_fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        for part in parts[:-1]:
            inner = os.open(part, _DIR_FLAGS, dir_fd=dir_fd)
            os.close(dir_fd)
            dir_fd = inner
        fd = os.open(parts[-1], _OPEN_FLAGS, dir_fd=dir_fd)
    except OSError:  # missing, a link (ELOOP, ENOTDIR), unreadable, out of descriptors ...
        return None
    finally:
        os.close(dir_fd)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE:
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return st, b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)
