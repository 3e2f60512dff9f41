"""The ``feeder`` command line (PRODUCT.md, "Command line").

Exit codes: 0 success; 1 a poll failed or something went wrong at run time; 2 bad usage, bad
config or bad input (the message names the key or field).
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from . import config as config_mod
from .config import Config
from .errors import ConfigError, FeederError, InputError
from .lifecycle import state_of
from .store import Store
from .timeutil import iso_z, swedish, utcnow

log = logging.getLogger("feeder")

Handler = Callable[[argparse.Namespace, Config], int]


def _notice_options(p: argparse.ArgumentParser, *, required_title: bool) -> None:
    p.add_argument("--title", required=required_title, help="plain text, at most 200 characters")
    p.add_argument("--body", help="text or HTML (sanitised), at most 20,000 characters")
    p.add_argument("--level", help="info, notice, warning, severe or critical (default info)")
    p.add_argument("--starts", help="ISO 8601; without offset = Europe/Stockholm")
    p.add_argument("--expires", help="ISO 8601; without offset = Europe/Stockholm")
    p.add_argument("--url", help="a link to read more (http or https)")
    p.add_argument("--topic", action="append", dest="topics", metavar="ID",
                   help="a topic id from config.yaml (repeatable)")
    p.add_argument("--area", action="append", dest="areas", metavar="CODE",
                   help="a municipality code such as 2281 (repeatable; none = whole county)")
    p.add_argument("--draft", action="store_const", const="draft", dest="status",
                   help="store as a draft: not published until updated with --publish")
    p.add_argument("--publish", action="store_const", const="published", dest="status",
                   help="publish a draft")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="feeder",
        description="Regional public notices: SMHI warnings, county news and editor notices "
        "as feeds and an embeddable banner.",
    )
    parser.add_argument("--config", type=Path, default=None,
                        help="config file (default: $FEEDER_CONFIG, then ./config.yaml)")
    parser.add_argument("--version", action="version", version=f"feeder {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("run", help="scheduler and web server, until SIGTERM").set_defaults(func=cmd_run)
    p = sub.add_parser("poll", help="poll once (all sources or those named), store, publish")
    p.add_argument("sources", nargs="*", metavar="SOURCE")
    p.add_argument("--force", action="store_true",
                   help="poll even a source that is backing off after failures or a Retry-After")
    p.set_defaults(func=cmd_poll)
    sub.add_parser("publish", help="render every output from the database").set_defaults(
        func=cmd_publish)
    sub.add_parser("check", help="validate the config file").set_defaults(func=cmd_check)

    notice = sub.add_parser("notice", help="add, update, list or withdraw editor notices")
    nsub = notice.add_subparsers(dest="notice_command", required=True, metavar="ACTION")
    p = nsub.add_parser("add", help="add a notice; prints its id")
    _notice_options(p, required_title=True)
    p.set_defaults(func=cmd_notice_add)
    p = nsub.add_parser("update", help="change a notice")
    p.add_argument("id")
    _notice_options(p, required_title=False)
    p.set_defaults(func=cmd_notice_update)
    p = nsub.add_parser("list", help="list notices")
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(func=cmd_notice_list)
    p = nsub.add_parser("withdraw", help="withdraw a notice (it stays in history)")
    p.add_argument("id")
    p.set_defaults(func=cmd_notice_withdraw)

    _add_editor_commands(sub)
    return parser


def _add_editor_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    try:
        from .editors import cli as editors_cli
    except ImportError:  # the editors package is optional until it lands
        return
    editors_cli.add_commands(sub)


# --------------------------------------------------------------------------------- commands


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in the environment (containers)
        return "cli"


def _open_store(config: Config) -> Store:
    return Store(config.storage.database)


def _publish(store: Store, config: Config) -> list[str]:
    from .publish import publish

    try:
        result = publish(store, config, utcnow())
    except FeederError as exc:
        raise FeederError(f"stored, but not published: {exc}") from exc
    return result.changed


def cmd_run(args: argparse.Namespace, config: Config) -> int:
    from .daemon import run

    return run(config)


def cmd_poll(args: argparse.Namespace, config: Config) -> int:
    from .fetch import Fetcher
    from .notices import load_standing
    from .poll import poll_sources
    from .sources import build_sources

    names = list(dict.fromkeys(args.sources)) or config.enabled_sources
    for name in names:
        if name not in config.sources:
            known = ", ".join(config.sources)
            raise InputError(f"unknown source {name!r}; known: {known}", "SOURCE")
        if not config.sources[name].enabled:
            raise InputError(f"source {name!r} is disabled in the config", "SOURCE")
    fetcher = Fetcher(config.http)
    try:
        with _open_store(config) as store:
            load_standing(store, config, now=utcnow())
            sources = build_sources(config)
            outcomes = poll_sources([sources[n] for n in names], store, config, fetcher,
                                    respect_backoff=not args.force)
            changed = _publish(store, config)
    finally:
        fetcher.close()
    for o in outcomes:
        if o.ok:
            what = "not modified" if o.not_modified else (
                f"{len(o.inserted)} new, {len(o.updated)} updated, {len(o.ended)} ended,"
                f" {o.unchanged} unchanged"
            )
            print(f"{o.source}: ok ({what})")
        elif o.skipped:
            print(f"{o.source}: SKIPPED: {o.error} (--force polls it now)")
        else:
            print(f"{o.source}: FAILED: {o.error}")
    print(f"published: {', '.join(changed) if changed else 'nothing changed'}")
    return 0 if all(o.ok for o in outcomes) else 1


def cmd_publish(args: argparse.Namespace, config: Config) -> int:
    from .notices import load_standing

    with _open_store(config) as store:
        load_standing(store, config, now=utcnow())
        changed = _publish(store, config)
    print(f"published: {', '.join(changed) if changed else 'nothing changed'}")
    return 0


def cmd_check(args: argparse.Namespace, config: Config) -> int:
    print(f"{config.path}: ok")
    print(f"  region: {config.region.name} (county {config.region.county_id})")
    print(f"  sources: {', '.join(config.enabled_sources) or 'none'}")
    print(f"  topics: {', '.join(t.id for t in config.topics) or 'none'}")
    print(f"  database: {config.storage.database}")
    print(f"  output_dir: {config.storage.output_dir}")
    return 0


def _notice_fields(args: argparse.Namespace) -> dict[str, object]:
    fields: dict[str, object] = {}
    for name in ("title", "body", "level", "starts", "expires", "url", "topics", "areas", "status"):
        value = getattr(args, name, None)
        if value is not None:
            fields[name] = value
    return fields


def cmd_notice_add(args: argparse.Namespace, config: Config) -> int:
    from .notices import create

    with _open_store(config) as store:
        item = create(store, config, _notice_fields(args), actor=_actor(), now=utcnow())
        # The id first: the notice is stored even if publishing fails below.
        print(item.id.removeprefix("notice:"), flush=True)
        _publish(store, config)
    return 0


def cmd_notice_update(args: argparse.Namespace, config: Config) -> int:
    from .notices import update

    fields = _notice_fields(args)
    if not fields:
        raise InputError("nothing to change: give at least one option", "options")
    with _open_store(config) as store:
        item = update(store, config, args.id, fields, actor=_actor(), now=utcnow())
        print(item.id.removeprefix("notice:"), flush=True)
        _publish(store, config)
    return 0


def cmd_notice_list(args: argparse.Namespace, config: Config) -> int:
    from .notices import as_dict, list_notices

    with _open_store(config) as store:
        items = list_notices(store)
    if args.json:
        print(json.dumps([as_dict(i) for i in items], ensure_ascii=False, indent=2))
        return 0
    now = utcnow()
    for item in items:
        state = state_of(item, now)
        when = f"until {swedish(item.expires)}" if item.expires else "no end"
        print(f"{item.id.removeprefix('notice:')}\t{item.level.label}\t{state}\t{when}\t{item.title}")
    return 0


def cmd_notice_withdraw(args: argparse.Namespace, config: Config) -> int:
    from .notices import withdraw

    with _open_store(config) as store:
        item = withdraw(store, args.id, actor=_actor(), now=utcnow())
        print(f"{item.id.removeprefix('notice:')} withdrawn at {iso_z(item.updated)}", flush=True)
        _publish(store, config)
    return 0


# --------------------------------------------------------------------------------- main


def setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.verbose)
    try:
        config = config_mod.load(args.config)
    except ConfigError as exc:
        print(f"feeder: config error: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args, config))
    except InputError as exc:
        print(f"feeder: error: {exc}", file=sys.stderr)
        return 2
    except FeederError as exc:
        print(f"feeder: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
