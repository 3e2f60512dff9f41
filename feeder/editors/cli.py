"""``feeder editor ...``: add, list and remove editors, rotate their API tokens, set passwords.

``add`` and ``token`` print the new API token alone on one line on stdout (it is shown only
then; the database keeps its SHA-256); notes go to stderr. A client of :class:`feeder.app.Feeder`.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from ..app import Feeder
from ..config import Config
from ..errors import InputError
from ..text import clean_text
from ..timeutil import iso_z
from . import accounts


def actor() -> str:
    """Who runs the command, as the audit log records it: ``cli:<user>`` (the user name from
    the environment, cleaned like any text that enters feeder, and cut to a name's length)."""
    try:
        user = clean_text(getpass.getuser()).strip()[: accounts.MAX_NAME]
    except Exception:  # no user name in the environment (containers)
        user = ""
    return f"cli:{user}" if user else "cli"


def add_commands(sub: argparse._SubParsersAction[Any]) -> None:
    editor = sub.add_parser("editor", help="editor accounts for the JSON API and the web form")
    esub = editor.add_subparsers(dest="editor_command", required=True, metavar="ACTION")

    p = esub.add_parser("add", help="add an editor; prints a new API token alone on one line")
    p.add_argument("name")
    p.add_argument("--role", choices=accounts.ROLES, default="editor",
                   help="editor (publishes up to 'warning') or publisher (all levels);"
                   " default editor")
    p.add_argument("--password-stdin", action="store_true",
                   help="read a password for the web form from the first line of stdin"
                   " (without it the editor can use the API token only)")
    p.set_defaults(func=cmd_add)

    p = esub.add_parser("list", help="list editors")
    p.add_argument("--json", action="store_true", help="as JSON")
    p.set_defaults(func=cmd_list)

    p = esub.add_parser("remove", help="remove an editor (token and sessions stop working)")
    p.add_argument("name")
    p.set_defaults(func=cmd_remove)

    p = esub.add_parser("token", help="rotate the API token: prints the new one; the old one"
                        " stops working")
    p.add_argument("name")
    p.set_defaults(func=cmd_token)

    p = esub.add_parser("password", help="set an editor's web-form password (from stdin, or"
                        " asked twice on a terminal); ends their sessions")
    p.add_argument("name")
    p.set_defaults(func=cmd_password)


def _read_password_line() -> str:
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise InputError("no password on stdin", "password")
    return password


def _ask_password() -> str:
    if not sys.stdin.isatty():
        return _read_password_line()
    first = getpass.getpass("Lösenord: ")
    if first != getpass.getpass("Samma lösenord igen: "):
        raise InputError("the two passwords differ", "password")
    return first


def cmd_add(args: argparse.Namespace, config: Config) -> int:
    password = _read_password_line() if args.password_stdin else None
    with Feeder(config) as feeder:
        editor, token = feeder.add_editor(args.name, role=args.role, password=password,
                                          actor=actor())
    login = "web form and API" if editor.has_password else "API only (no password)"
    print(f"editor {editor.name!r} added as {editor.role}: {login}; the token below is shown"
          " only now", file=sys.stderr)
    print(token)
    return 0


def cmd_list(args: argparse.Namespace, config: Config) -> int:
    with Feeder(config) as feeder:
        editors = feeder.editors()
    if args.json:
        print(json.dumps([
            {"name": e.name, "role": e.role, "password": e.has_password,
             "created": iso_z(e.created), "token_created": iso_z(e.token_created)}
            for e in editors
        ], ensure_ascii=False, indent=2))
        return 0
    for e in editors:
        password = "password" if e.has_password else "no-password"
        print(f"{e.name}\t{e.role}\t{password}\tcreated {iso_z(e.created)}"
              f"\ttoken {iso_z(e.token_created)}")
    return 0


def cmd_remove(args: argparse.Namespace, config: Config) -> int:
    with Feeder(config) as feeder:
        feeder.remove_editor(args.name, actor=actor())
    print(f"editor {args.name!r} removed", file=sys.stderr)
    return 0


def cmd_token(args: argparse.Namespace, config: Config) -> int:
    with Feeder(config) as feeder:
        token = feeder.rotate_token(args.name, actor=actor())
    print(f"new token for {args.name!r}; the previous one no longer works", file=sys.stderr)
    print(token)
    return 0


def cmd_password(args: argparse.Namespace, config: Config) -> int:
    with Feeder(config) as feeder:
        feeder.editor(args.name)  # a clear error before asking for anything
        password = _ask_password()
        feeder.set_password(args.name, password, actor=actor())
    print(f"password of {args.name!r} set; their open sessions have ended", file=sys.stderr)
    return 0
