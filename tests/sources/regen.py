"""Write the expected output of the parser cases: ``python -m tests.sources.regen [NAME ...]``.

Run from the repository root with the worktree on the path (``PYTHONPATH=$PWD``). ``NAME`` is a
source (``smhi``) or one case (``smhi/ibww_updated``); none means every case. For each case the
input is parsed in the context its expected file names, and the result (``items``, ``warnings``,
...) is written into the file; ``about`` and ``context`` are kept. An input without any expected
file gets one, with the source's default context and an ``about`` to fill in.

Every change is printed as a diff. Read it: the expected files are the specification of the
parsers, so a change must be one you mean. ``--check`` writes nothing and exits 1 when a file
would change (what the tests check, in one line per case).
"""

from __future__ import annotations

import argparse
import difflib
import sys

from tests.sources.parse_cases import (
    CASES,
    DEFAULT_CONTEXT,
    EXPECTED,
    RESULT_KEYS,
    Case,
    cases,
    dump,
    input_of,
    inputs,
    run,
)

TODO = "TODO: say what this case shows and why the output is right"


def _new_cases(source: str) -> list[Case]:
    """Inputs of ``source`` that have no expected file yet, with one (default context) made."""
    made: list[Case] = []
    for path in inputs(source):
        stem = path.name.split(".")[0]
        if any(True for _ in path.parent.glob(f"{stem}*{EXPECTED}")):
            continue
        expected = path.parent / f"{stem}{EXPECTED}"
        expected.write_text(dump({"about": TODO, "context": DEFAULT_CONTEXT[source]}),
                            encoding="utf-8")
        assert input_of(expected) == path
        made.append(Case(source, path, expected))
    return made


def regenerate(case: Case, *, write: bool) -> bool:
    """Bring one expected file up to date; True when it changed (or would change)."""
    old = case.expected.read_text(encoding="utf-8")
    data = case.load()
    for key in RESULT_KEYS:
        data.pop(key, None)
    data.update(run(case, data["context"]))
    new = dump(data)
    if new == old:
        return False
    name = f"cases/{case.source}/{case.expected.name}"
    sys.stdout.writelines(difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), name, "regenerated",
    ))
    if write:
        case.expected.write_text(new, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="a source (smhi) or a case (smhi/ibww_updated)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 on changes")
    args = parser.parse_args(argv)
    sources = sorted(p.name for p in CASES.iterdir() if p.is_dir())
    selected: list[Case] = []
    for source in sources:
        if not args.check:
            _new_cases(source)
        for case in cases(source):
            if not args.names or source in args.names or case.id in args.names:
                selected.append(case)
    unknown = [n for n in args.names if n not in sources and n not in {c.id for c in selected}]
    if unknown:
        parser.error(f"no such source or case: {', '.join(unknown)}")
    changed = [case.id for case in selected if regenerate(case, write=not args.check)]
    verb = "would change" if args.check else "changed"
    print(f"{len(selected)} cases, {len(changed)} {verb}: {', '.join(changed) or 'none'}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    raise SystemExit(main())

