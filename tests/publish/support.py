"""Helpers for the publish tests (a plain module; fixtures are in conftest.py)."""

from __future__ import annotations

from feeder.templating import FOLDER

FRAME_SCRIPT = (FOLDER / "banner_frame.js").read_text(encoding="utf-8")
"""banner.html's one script: it tells an embedding page the page's height, nothing else."""


def without_own_script(page: str) -> str:
    """``page`` without banner.html's own script (exactly it, once), so that a test can say
    that nothing else in the page is a script."""
    return page.replace(f"<script>\n{FRAME_SCRIPT}</script>", "", 1)
