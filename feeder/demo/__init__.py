"""``feeder demo``: the whole product working offline in one command, on bundled sample data.

- :mod:`.runner`: the command (port check, temporary folder, config, demo editor, the normal
  daemon, the printed addresses, clean-up);
- :mod:`.upstream`: the loopback HTTP server answering like the four upstreams;
- :mod:`.sample` and ``data/``: the sample data (cut down from the test fixtures) and
  :mod:`.timeshift`, which moves every time in it to "now";
- :mod:`.scenario`: what is served, and the timeline of ``--scenario``;
- :mod:`.pages`: the sample municipal page embedding the banner (served only in demo mode).
"""

from __future__ import annotations

from .runner import Options, run_demo

__all__ = ["Options", "run_demo"]
