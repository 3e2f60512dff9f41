"""The HTML page of one feed (``feed.html``, ``alerts.html``, ``topics/<id>.html``): what a
browser gets at the feed's own address (``feeder run`` and the nginx example choose it by the
request's ``Accept``), in place of the XSLT stylesheet browsers are removing. Part of step 3 of
a publish (load → select → **render** → write): from a :class:`~.spec.FeedSpec` of the plan,
through the ``feed_page.html`` template.

What a feed is, how to subscribe (the address to copy, the three formats) and the feed's items
with their level, source, Swedish time and municipalities; bodies are the sanitised HTML the
feeds carry. A short section for developers describes the JSON Feed's ``_feeder`` object (the
``about`` address of that extension).
"""

from __future__ import annotations

from datetime import datetime

from . import views
from .spec import FeedSpec


def render(spec: FeedSpec, now: datetime) -> bytes:
    return views.render("feed_page.html", spec=spec, now=now)
