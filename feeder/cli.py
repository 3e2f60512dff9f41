"""The ``feeder`` command line (PRODUCT.md, "Command line"): a client of :class:`feeder.app.Feeder`.

Exit codes (each error carries its own, see :mod:`feeder.errors`):

- 0: success;
- 1: a poll failed, or something went wrong at run time (the database cannot be used or is busy,
  the outputs cannot be written, an output could not be rendered or an item was left out);
- 2: bad usage, a bad config, bad input (the message names the key or field), or no such notice
  or editor;
- 3: a notice change is stored, but publishing the outputs failed or left that notice out
  ("stored as <id>, but not published: ..."); the next successful publish includes it;
- 130: interrupted (Ctrl-C).

Every failure is one line on stderr, never a traceback (``-v`` adds one for an unexpected error,
which is a bug). Each command checks the config it loads, the standing notices included (with
the rules of every editor's input: :func:`feeder.notices.check_standing`).

Notices are named by their id, ``notice:<hex>``, as every command prints it; the bare ``<hex>``
is accepted too.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from . import __version__
from . import config as config_mod
from .app import Feeder
from .config import Config
from .editors import cli as editors_cli
from .editors.cli import actor
from .errors import ConfigError, FeederError, InputError, PublishError
from .lifecycle import state_of
from .notices import UNSET, NoticeInput, Unset, as_dict, check_standing
from .timeutil import iso_z, swedish, utcnow


class Parser(argparse.ArgumentParser):
    """argparse, with a usage mistake said on one line (and where to read more), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see: {self.prog} --help)\n")


def _notice_options(p: argparse.ArgumentParser, *, required_title: bool) -> None:
    p.add_argument("--title", required=required_title, help="plain text, at most 200 characters")
    p.add_argument("--body", help="text or HTML (sanitised), at most 20,000 characters")
    p.add_argument("--level", help="info, notice, warning, severe or critical (default info)")
    p.add_argument("--starts", help="ISO 8601, years 1970-2999; without offset ="
                   " Europe/Stockholm")
    p.add_argument("--expires", help="ISO 8601, years 1970-2999; without offset ="
                   " Europe/Stockholm")
    p.add_argument("--url", help="a link to read more: absolute http(s), no spaces or quotes")
    p.add_argument("--topic", action="append", dest="topics", metavar="ID",
                   help="a topic id from config.yaml (repeatable)")
    p.add_argument("--area", action="append", dest="areas", metavar="CODE",
                   help="a municipality code such as 2281 (repeatable; none = whole county)")
    p.add_argument("--draft", action="store_const", const="draft", dest="status",
                   help="store as a draft: not published until updated with --publish")
    p.add_argument("--publish", action="store_const", const="published", dest="status",
                   help="publish a draft")


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number 1-65535, got {value!r}")
    return port


def _host(value: str) -> str:
    if not value.strip():
        raise argparse.ArgumentTypeError("must be a host name or address")
    return value.strip()


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0.1 <= seconds <= 3600:
        raise argparse.ArgumentTypeError(f"must be 0.1 to 3600 seconds, got {value!r}")
    return seconds


def _server_options(p: argparse.ArgumentParser, host: str, port: str) -> None:
    p.add_argument("--host", type=_host, help=f"address to listen on (default: {host})")
    p.add_argument("--port", type=_port, help=f"port to listen on (default: {port})")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="feeder",
        description="Regional public notices: SMHI warnings, county news and editor notices "
        "as feeds and an embeddable banner.",
    )
    parser.add_argument("--config", type=Path, default=None,
                        help="config file (default: $FEEDER_CONFIG, then ./config.yaml)")
    parser.add_argument("--version", action="version", version=f"feeder {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="scheduler and web server, until SIGTERM")
    _server_options(p, "server.host in the config", "server.port in the config")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("demo", help="the whole product offline, on bundled sample data (no"
                       " config file needed)")
    _server_options(p, "127.0.0.1", "8080")
    p.add_argument("--scenario", action="store_true",
                   help="play a timeline: fire risk issued, updated, a VMA for Sundsvall,"
                   " the VMA cancelled, the fire risk withdrawn")
    p.add_argument("--step", type=_seconds, default=10.0, metavar="SECONDS",
                   help="seconds between two steps of --scenario (default 10)")
    p.set_defaults(func=cmd_demo, needs_config=False)
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
    p.add_argument("id", help="the notice's id (notice:<hex>, or just <hex>)")
    _notice_options(p, required_title=False)
    p.set_defaults(func=cmd_notice_update)
    p = nsub.add_parser("list", help="list notices")
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(func=cmd_notice_list)
    p = nsub.add_parser("withdraw", help="withdraw a notice (it stays in history)")
    p.add_argument("id", help="the notice's id (notice:<hex>, or just <hex>)")
    p.set_defaults(func=cmd_notice_withdraw)

    editors_cli.add_commands(sub)
    return parser


# --------------------------------------------------------------------------------- commands


def with_server(config: Config, host: str | None, port: int | None) -> Config:
    """``config`` listening on ``host``/``port`` where given (``run --host/--port``); the public
    URL follows when it was the one derived from the old address (``http://host:port/``)."""
    if host is None and port is None:
        return config
    old = config.server
    new_host = old.host if host is None else host
    new_port = old.port if port is None else port
    public_url = old.public_url
    if public_url == f"http://{old.host}:{old.port}/":
        public_url = f"http://{new_host}:{new_port}/"
    server = replace(old, host=new_host, port=new_port, public_url=public_url)
    return replace(config, server=server)


def cmd_run(args: argparse.Namespace, config: Config) -> int:
    from .daemon import run

    return run(with_server(config, args.host, args.port))


def cmd_demo(args: argparse.Namespace, config: Config | None) -> int:
    from .demo import Options, run_demo

    if not args.verbose:  # the printed addresses and steps, not a line per poll
        logging.getLogger().setLevel(logging.WARNING)
    defaults = Options()
    return run_demo(Options(
        host=args.host or defaults.host,
        port=args.port or defaults.port,
        scenario=args.scenario,
        step_seconds=args.step,
    ))


HUB_WAIT = 10.0
"""Seconds a command that published waits, at most, for the WebSub hub to be told."""


@contextmanager
def publishing(config: Config) -> Iterator[Feeder]:
    """The Feeder of a command that publishes. With ``feeds.websub_hub``, the hub is told of the
    feeds it changed before the command ends (retried while the command waits, at most
    :data:`HUB_WAIT` seconds; what is left is logged and dropped): a one-shot command has no
    later moment, and a ``feeder run`` beside it would not see the change as one."""
    with Feeder(config) as feeder:
        notifier = feeder.notifier()
        if notifier is None:
            yield feeder
            return
        notifier.start()
        try:
            yield feeder
        except FeederError:  # stored or published in part: what changed is still announced
            notifier.drain(HUB_WAIT)
            raise
        else:
            notifier.drain(HUB_WAIT)
        finally:
            notifier.stop(wait=0)


def _published(feeder: Feeder) -> tuple[str, bool]:
    """Publish; the lines saying what changed (and what could not be published), and whether
    every output was written. A failure says that what was stored stays."""
    try:
        result = feeder.publish()
    except FeederError as exc:
        raise FeederError(f"stored, but not published: {exc}") from exc
    changed = result.changed
    lines = [f"published: {', '.join(changed) if changed else 'nothing changed'}"]
    for path, error in sorted(result.failed.items()):
        lines.append(f"NOT PUBLISHED: {path} (the previous file stays): {error}")
    if result.left_out:
        lines.append(f"LEFT OUT (cannot be rendered, see the log): {', '.join(result.left_out)}")
    return "\n".join(lines), result.ok and not result.left_out


def cmd_poll(args: argparse.Namespace, config: Config) -> int:
    with publishing(config) as feeder:
        names = feeder.check_sources(args.sources)
        feeder.load_standing()
        outcomes = feeder.poll(names, force=args.force)
        published, complete = _published(feeder)
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
    print(published)
    return 0 if complete and all(o.ok for o in outcomes) else 1


def cmd_publish(args: argparse.Namespace, config: Config) -> int:
    with publishing(config) as feeder:
        feeder.load_standing()
        published, complete = _published(feeder)
    print(published)
    return 0 if complete else 1


def cmd_check(args: argparse.Namespace, config: Config) -> int:
    print(f"{config.path}: ok")
    print(f"  region: {config.region.name} (county {config.region.county_id})")
    print(f"  sources: {', '.join(config.enabled_sources) or 'none'}")
    print(f"  topics: {', '.join(t.id for t in config.topics) or 'none'}")
    print(f"  standing notices: {', '.join(n.id for n in config.notices) or 'none'}")
    print(f"  database: {config.storage.database}")
    print(f"  output_dir: {config.storage.output_dir}")
    return 0


def _given(value: str | None) -> str | Unset:
    return UNSET if value is None else value


def notice_input(args: argparse.Namespace) -> NoticeInput:
    """The notice options given on the command line (an empty ``--url ''`` clears the link)."""
    return NoticeInput(
        title=_given(args.title),
        body=_given(args.body),
        level=_given(args.level),
        starts=_given(args.starts),
        expires=_given(args.expires),
        url=_given(args.url),
        topics=UNSET if args.topics is None else tuple(args.topics),
        areas=UNSET if args.areas is None else tuple(args.areas),
        status=_given(args.status),
    )


def cmd_notice_add(args: argparse.Namespace, config: Config) -> int:
    with publishing(config) as feeder:
        item = feeder.add_notice(notice_input(args), actor=actor())
    print(item.id)
    return 0


def cmd_notice_update(args: argparse.Namespace, config: Config) -> int:
    data = notice_input(args)
    if not data.given():
        raise InputError("nothing to change: give at least one option", "options")
    with publishing(config) as feeder:
        item = feeder.update_notice(args.id, data, actor=actor())
    print(item.id)
    return 0


def cmd_notice_list(args: argparse.Namespace, config: Config) -> int:
    with Feeder(config) as feeder:
        items = feeder.notices()
        now = feeder.clock()
    if args.json:
        print(json.dumps([as_dict(i) for i in items], ensure_ascii=False, indent=2))
        return 0
    for item in items:
        state = state_of(item, now)
        when = f"until {swedish(item.expires)}" if item.expires else "no end"
        print(f"{item.id}\t{item.level.label}\t{state}\t{when}\t{item.title}")
    return 0


def cmd_notice_withdraw(args: argparse.Namespace, config: Config) -> int:
    with publishing(config) as feeder:
        item = feeder.withdraw_notice(args.id, actor=actor())
    print(f"{item.id} withdrawn at {iso_z(item.updated)}")
    return 0


# --------------------------------------------------------------------------------- main


def setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )


def report(exc: FeederError) -> int:
    """Say what went wrong on stderr (no traceback); the error's exit code. A notice stored but
    not published also prints its id on stdout, as a successful add would."""
    if isinstance(exc, ConfigError):
        print(f"feeder: config error: {exc}", file=sys.stderr)
    elif isinstance(exc, PublishError) and exc.item_id is not None:
        print(exc.item_id, flush=True)
        cause = exc.__cause__
        why = f"{type(cause).__name__}: {cause}" if cause is not None else exc.detail
        print(f"feeder: error: stored as {exc.item_id}, but not published: {why}",
              file=sys.stderr)
    else:
        print(f"feeder: error: {exc}", file=sys.stderr)
    return exc.exit_code


def _silence_stdout() -> None:
    """Send what is left for stdout nowhere, so that exiting does not fail on it again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.verbose)
    try:
        if not getattr(args, "needs_config", True):  # feeder demo writes its own
            return int(args.func(args, None))
        config = config_mod.load(args.config)
        check_standing(config, now=utcnow())
        return int(args.func(args, config))
    except FeederError as exc:
        return report(exc)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`feeder notice list | head`)
        _silence_stdout()
        return 1
    except Exception as exc:  # a bug: still one line, the traceback with -v
        print(f"feeder: internal error: {type(exc).__name__}: {exc} (a bug; -v shows where)",
              file=sys.stderr)
        if args.verbose:
            traceback.print_exc()
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
