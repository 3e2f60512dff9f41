"""Benchmark: publish with 100, 1,000 and 10,000 items, and an unchanged re-publish.

Targets (issue 2): 1,000 items in <= 250 ms; an unchanged re-publish renders nothing and writes
nothing in <= 20 ms. Prints, for each case, the median wall time, the least CPU time of this
process (steadier than wall time on a machine shared with other work: compare versions by it)
and peak Python memory (tracemalloc). One item in 50 belongs to the topic, so the topic feed
reads about 50 items for each one it shows: every item a publish reads is matched against the
topic (in its plain text, see feeder.topics).

    python bench/bench_publish.py [--sizes 100,1000,10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from feeder import config as config_mod
from feeder.ladder import Level
from feeder.model import Item
from feeder.publish import fingerprint, publish
from feeder.store import Store

NOW = datetime(2026, 6, 12, 10, 0, tzinfo=UTC)
BODY = (
    "<p>Länsstyrelsen i Västernorrland samordnar arbetet med kommunerna, Region Västernorrland "
    "och polisen. Beslutet gäller från och med i dag och till vidare.</p>"
    "<p>Läs mer på <a href=\"https://www.lansstyrelsen.se/vasternorrland\">webbplatsen</a>.</p>"
)


def items(count: int) -> list[Item]:
    out = []
    for n in range(count):
        level = Level.INFO if n % 10 else Level(2 + n % 4)
        source = "lansstyrelsen" if level == Level.INFO else "smhi"
        when = NOW - timedelta(minutes=7 * n)
        url = f"https://www.lansstyrelsen.se/vasternorrland/nyheter/2026/artikel-{n}.html"
        out.append(Item(
            id=url if source == "lansstyrelsen" else f"smhi:{n}-22",
            source=source,
            level=level,
            title=f"Nyhet nummer {n} om läget i länet" + (" och våld i nära relationer"
                                                          if n % 50 == 0 else ""),
            body=BODY,
            published=when,
            updated=when,
            url=url if source == "lansstyrelsen" else "https://www.smhi.se/varningar",
            onset=when if source == "smhi" else None,
            expires=when + timedelta(hours=12) if source == "smhi" else None,
            areas=("2281",) if n % 3 == 0 else (),
        ))
    return out


def measure(fn: Callable[[], Any], repeat: int) -> tuple[float, float, float, Any]:
    """(median wall ms, least CPU ms, peak MiB of the first run, last result)."""
    tracemalloc.start()
    result = fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = fn()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return statistics.median(wall), min(cpu), peak, result


def run(count: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cfg = config_mod.from_dict({
            "storage": {"database": "db.sqlite3", "output_dir": "public"},
            "topics": [{"id": "handlingsplan-mot-vald", "title": "Handlingsplan mot våld",
                        "match": ["handlingsplan mot våld", "våld i nära relationer"]}],
        }, Path(tmp) / "config.yaml")
        out = cfg.storage.output_dir
        with Store(cfg.storage.database) as store:
            store.upsert(items(count), NOW)
            store.record_success("smhi", NOW)
            store.record_success("lansstyrelsen", NOW)

            def fresh() -> Any:  # everything rendered, every file written
                for path in out.rglob("*"):
                    if path.is_file():
                        path.unlink()
                return publish(store, cfg, NOW)

            def rerender() -> Any:  # everything rendered, nothing changed on disk
                fingerprint.clear(out)
                return publish(store, cfg, NOW)

            def unchanged() -> Any:  # the common case: a poll that changed nothing
                return publish(store, cfg, NOW + timedelta(seconds=30))

            ms_fresh, cpu_fresh, peak_fresh, res = measure(fresh, repeat)
            assert res.rendered and res.changed
            ms_re, cpu_re, peak_re, res = measure(rerender, repeat)
            assert res.rendered and not res.changed
            ms_un, cpu_un, peak_un, res = measure(unchanged, max(repeat, 10))
            assert not res.rendered and not res.changed
            size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        print(f"{count:>6} items"
              f" | first publish {ms_fresh:6.1f} ms (cpu {cpu_fresh:6.1f}), {peak_fresh:4.1f} MiB"
              f" | re-render, no write {ms_re:6.1f} ms (cpu {cpu_re:6.1f}), {peak_re:4.1f} MiB"
              f" | unchanged {ms_un:5.2f} ms (cpu {cpu_un:5.2f}), {peak_un:4.2f} MiB"
              f" | output {size / 1024:.0f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("publish benchmark (targets: 1,000 items <= 250 ms; unchanged re-publish <= 20 ms)")
    for count in (int(s) for s in args.sizes.split(",")):
        run(count, args.repeat)


if __name__ == "__main__":
    main()
