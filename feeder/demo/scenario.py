"""What the demo's upstream serves, and the timeline ``feeder demo --scenario`` plays.

A :class:`State` names the SMHI warnings and the VMA messages listed at one moment (the news and
Krisinformation do not change). ``feeder demo`` serves :data:`START` throughout: the fire-risk
message and the wind warning for tomorrow. With ``--scenario`` it starts from
:data:`SCENARIO_START` (only the wind warning) and plays :data:`STEPS`, one every few seconds:
the upstream changes what it serves, and the daemon polls and publishes as usual. A step is
printed when the upstream changes, and the next one waits until the daemon has read it, so no
step is skipped however busy the machine is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from .sample import JSON, PATHS, Sample
from .upstream import Upstream

__all__ = ["SCENARIO_START", "START", "STEPS", "State", "Step", "Timeline", "serve_state"]

FIRE = "smhi_fire.json"
FIRE_UPDATED = "smhi_fire_updated.json"
WIND = "smhi_wind_tomorrow.json"
VMA = "vma_sundsvall.json"
VMA_CANCEL = "vma_sundsvall_cancel.json"


@dataclass(frozen=True)
class State:
    smhi: tuple[str, ...]
    """The SMHI warnings listed (data files, one warning each)."""
    vma: tuple[str, ...] = ()
    """The VMA messages listed (data files, one message each)."""


@dataclass(frozen=True)
class Step:
    says: str
    state: State


START = State(smhi=(FIRE, WIND))
SCENARIO_START = State(smhi=(WIND,))
STEPS: tuple[Step, ...] = (
    Step("SMHI issues a fire-risk message for Västernorrlands län (Risk för skogsbrand)",
         State(smhi=(FIRE, WIND))),
    Step("SMHI updates the fire-risk message (very high risk, lasting over the weekend)",
         State(smhi=(FIRE_UPDATED, WIND))),
    Step("Sveriges Radio sends a VMA for Sundsvall (a fire in an industrial building)",
         State(smhi=(FIRE_UPDATED, WIND), vma=(VMA,))),
    Step("the VMA for Sundsvall is cancelled",
         State(smhi=(FIRE_UPDATED, WIND), vma=(VMA, VMA_CANCEL))),
    Step("SMHI withdraws the fire-risk message",
         State(smhi=(WIND,), vma=(VMA, VMA_CANCEL))),
)
READ_TIMEOUT = 120.0
"""How long a step waits for the daemon to read it before going on anyway."""


def serve_state(upstream: Upstream, sample: Sample, state: State) -> list[str]:
    """Make ``upstream`` serve ``state`` (and the news and Krisinformation, unchanged); the
    paths whose answer changed."""
    documents = {
        PATHS["smhi"]: (sample.smhi(state.smhi), JSON),
        PATHS["vma"]: (sample.vma(state.vma), JSON),
        PATHS["krisinformation"]: (sample.krisinformation(), JSON),
        **sample.news(),
    }
    return [path for path, (body, kind) in documents.items() if upstream.put(path, body, kind)]


class Timeline:
    """Plays :data:`STEPS` in a thread: every ``step_seconds``, the next state is served and
    said on ``out``; :meth:`stop` ends it between two steps."""

    def __init__(self, upstream: Upstream, sample: Sample, *, step_seconds: float,
                 out: TextIO, clock_text: Callable[[], str]) -> None:
        self._upstream = upstream
        self._sample = sample
        self._step_seconds = step_seconds
        self._out = out
        self._clock_text = clock_text
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._play, daemon=True,
                                        name="feeder-demo-scenario")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)

    def _say(self, text: str) -> None:
        print(f"{self._clock_text()}  {text}", file=self._out, flush=True)

    def _play(self) -> None:
        total = len(STEPS)
        self._say(f"scenario: {total} steps, one every {self._step_seconds:g} s")
        for number, step in enumerate(STEPS, 1):
            if self._stop.wait(self._step_seconds):
                return
            changed = serve_state(self._upstream, self._sample, step.state)
            self._say(f"scenario step {number}/{total}: {step.says}")
            if not self._upstream.wait_served(changed, READ_TIMEOUT, self._stop):
                if self._stop.is_set():
                    return
                self._say(f"scenario step {number}/{total}: not read by feeder yet; going on")
        self._say("scenario done: the demo keeps running until Ctrl-C")
