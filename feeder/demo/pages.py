"""The demo's own page: a sample municipal page embedding the banner with the script tag and with
the iframe (``/demo/kommun.html``). Served only by ``feeder demo`` (the daemon's extra routes),
never published to ``output_dir``.

The page points at the published files by the public URL, as a municipality's page would, and
shows the very markup it embeds them with (the snippets of ``docs/embed.md``). With
``--scenario`` it reloads itself every few seconds so the steps can be watched (``banner.js``
re-reads ``banner.json`` about once a minute; the iframe shows the state at its loading).
"""

from __future__ import annotations

from html import escape
from string import Template

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from .sample import data_file

__all__ = ["KOMMUN_PATH", "kommun_page", "routes"]

KOMMUN_PATH = "/demo/kommun.html"
RELOAD_SECONDS = 5


RESIZE_SNIPPET = """<script>
  addEventListener('message', function (e) {
    var frame = document.getElementById('lansvarningar');
    if (frame && e.source === frame.contentWindow && e.data && e.data.feederBanner) {
      frame.style.height = e.data.feederBanner.height + 'px';
    }
  });
</script>"""
"""The resizing snippet of docs/embed.md, as a webmaster would paste it (tests compare them)."""

def kommun_page(public_url: str, *, scenario: bool) -> bytes:
    """The sample municipal page, embedding the banner published under ``public_url``."""
    template = Template(data_file("kommun.html").decode("utf-8"))
    note = ""
    refresh = ""
    if scenario:
        refresh = f'<meta http-equiv="refresh" content="{RELOAD_SECONDS}">\n'
        note = (
            '<p class="note">Scenariot spelas upp: sidan laddas om var '
            f"{RELOAD_SECONDS}:e sekund så att varje steg syns (på en riktig sida läser "
            "<code>banner.js</code> om <code>banner.json</code> ungefär en gång i minuten).</p>"
        )
    base = escape(public_url, quote=True)
    script = f'<script src="{base}banner.js" data-kommun="2281" defer></script>'
    iframe = (f'<iframe id="lansvarningar" src="{base}banner.html"\n'
              '        title="Varningar och meddelanden från Länsstyrelsen Västernorrland"\n'
              '        style="display:block;width:100%;height:13rem;border:0"></iframe>\n'
              + RESIZE_SNIPPET)
    page = template.substitute(
        refresh=refresh, scenario_note=note,
        script=script, script_code=escape(script, quote=False),
        iframe=iframe, iframe_code=escape(iframe, quote=False),
    )
    return page.encode("utf-8")


def routes(public_url: str, *, scenario: bool) -> list[BaseRoute]:
    """``/demo/kommun.html`` (and ``/demo/`` leading to it)."""
    page = kommun_page(public_url, scenario=scenario)

    async def kommun(request: Request) -> Response:
        return HTMLResponse(page, headers={"Cache-Control": "no-cache"})

    async def index(request: Request) -> Response:
        return RedirectResponse(KOMMUN_PATH, status_code=302)

    return [
        Route(KOMMUN_PATH, kommun, methods=["GET", "HEAD"], name="demo-kommun"),
        Route("/demo/", index, methods=["GET", "HEAD"], name="demo-index"),
    ]
