"""HTML from templates (Jinja2 lives here only): the published pages (``index.html``,
``banner.html``, the feed pages) and the editors' pages render from ``feeder/templates/``.

Every template is autoescaped: a value is escaped unless a template marks it ``| safe``, which
only sanitised HTML (an item's body, made by :func:`feeder.text.sanitize_html`) may be. Undefined
names are errors, never empty strings. Rendering is pure: the same template and values give the
same text, so the publisher's outputs stay deterministic.

Each client makes its own :class:`Templates` with the filters and globals its templates use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2

FOLDER = Path(__file__).resolve().parent / "templates"


class Templates:
    """The templates of ``feeder/templates/`` with ``filters`` and ``globals`` of one client."""

    def __init__(
        self,
        filters: Mapping[str, Callable[..., Any]] | None = None,
        globals: Mapping[str, Any] | None = None,
    ) -> None:
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(FOLDER)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,
        )
        self._env.filters.update(filters or {})
        self._env.globals.update(globals or {})

    def render(self, template: str, **context: Any) -> str:
        """``template`` (a file name in ``feeder/templates/``) filled with ``context``."""
        return self._env.get_template(template).render(**context)
