"""``feeder demo`` end to end, as a subprocess: everything shows within 10 s, on loopback only,
the sample municipal page shows the banner in Chromium, the printed editor can sign in, the
scenario reaches each step, SIGTERM exits 0 and leaves no file, a taken port fails fast, and the
demo works in a network namespace with no network at all."""

from __future__ import annotations

import ast
import json
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from typing import Any

import feedparser
import pytest
from playwright.sync_api import Browser, expect

from tests.demo.support import ROOT, DemoProcess, demo_env

FIRE = "Risk för skogsbrand i Västernorrlands län"
WIND = "Gul varning: Vind – Västernorrlands län, kustland"
SEED = "Kraftsamling mot våldet i Västernorrland"
NEWS = {SEED, "Ansök om bidrag till lokala naturvårdsprojekt", "Inventering av järv i länet klar",
        "Nya regler för strandskydd"}
KRISINFORMATION = {"Så förbereder du dig för ett längre elavbrott",
                   "Störningar i mobilnätet i hela landet"}
TOPIC_FEED = "/topics/handlingsplan-mot-vald.atom"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}

Demos = Callable[..., DemoProcess]


def alerts(demo: DemoProcess) -> dict[str, dict[str, Any]]:
    return {alert["title"]: alert for alert in demo.json("/banner.json")["alerts"]}


def feed_titles(demo: DemoProcess, path: str) -> set[str]:
    status, body = demo.get(path)
    assert status == 200, path
    parsed = feedparser.parse(body)
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    return {entry.title for entry in parsed.entries}


def printed(demo: DemoProcess, label: str) -> str:
    """The rest of the printed line that starts with ``label``."""
    match = re.search(rf"^\s*{re.escape(label)}\s+(.+)$", demo.stdout(), re.MULTILINE)
    assert match, f"no {label!r} line in:\n{demo.stdout()}"
    return match.group(1)


def test_demo_shows_everything_within_10_s_on_loopback_only_and_sigterm_leaves_nothing(
    demos: Demos, browser: Browser
) -> None:
    demo = demos(audit=True)
    deadline = demo.started + 10
    # banner.json: the fire-risk message in force and the wind warning issued for tomorrow
    demo.wait_until(lambda: FIRE in alerts(demo) and WIND in alerts(demo), deadline)
    shown = alerts(demo)
    assert shown[FIRE]["upcoming"] is False
    assert shown[FIRE]["level_name"] == "notice"
    assert shown[FIRE]["source"] == "SMHI"
    assert shown[WIND]["upcoming"] is True
    assert shown[WIND]["level_name"] == "warning"
    assert shown[WIND]["starts"] > demo.json("/banner.json")["generated"]
    # the feeds: the county board's news and Krisinformation's; the topic feed the seed article
    demo.wait_until(lambda: feed_titles(demo, "/feed.atom") >= NEWS | KRISINFORMATION, deadline)
    demo.wait_until(lambda: SEED in feed_titles(demo, TOPIC_FEED), deadline)
    assert feed_titles(demo, TOPIC_FEED) == {SEED}
    _, topic = demo.get(TOPIC_FEED)
    assert "15 offentliga aktörer skriver under" in topic.decode()
    assert {FIRE, WIND} <= feed_titles(demo, "/alerts.atom")
    demo.wait_until(lambda: demo.get("/healthz")[0] == 200, deadline)
    took = time.monotonic() - demo.started
    assert took <= 10

    # the addresses it printed
    base = demo.base + "/"
    assert printed(demo, "index page") == base
    assert printed(demo, "municipal page").startswith(base + "demo/kommun.html")
    assert printed(demo, "health") == base + "healthz"
    admin = printed(demo, "editors' form")
    assert admin.startswith(base + "admin/")
    for path in ("banner.json", "banner.js", "banner.html", "feed.atom", "alerts.atom",
                 TOPIC_FEED.lstrip("/")):
        assert base + path in demo.stdout(), path
    name, password = re.search(r"name: (\S+)\s+password: (\S+)", admin).groups()  # type: ignore[union-attr]

    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    context.set_default_timeout(10_000)
    hosts: set[str] = set()
    context.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    try:
        page = context.new_page()
        # the sample municipal page: the banner by the script tag (data-kommun="2281") ...
        page.goto(demo.base + "/demo/kommun.html")
        expect(page.get_by_text(WIND).first).to_be_visible()
        # ... and by the iframe, the alert list of banner.html
        frame = page.frame_locator("iframe")
        expect(frame.get_by_text(WIND).first).to_be_visible()
        expect(frame.get_by_text(FIRE).first).to_be_attached()
        # the printed editor signs in to the editors' form
        page.goto(demo.base + "/admin/")
        page.fill("#name", name)
        page.fill("#password", password)
        page.click("button[type=submit]")
        page.wait_for_url(demo.base + "/admin/")
        expect(page.get_by_text(f"Inloggad som {name}").first).to_be_visible()
    finally:
        context.close()
    assert hosts == {f"127.0.0.1:{demo.port}"}

    assert demo.terminate() == 0, demo.output()
    assert "removed" in demo.stdout()
    assert "Traceback" not in demo.stderr()
    assert demo.leftovers() == [], "the demo left files behind"

    # every connection, bind and name lookup of the process was on loopback
    calls = demo.audit_path.read_text(encoding="utf-8").splitlines()
    assert any(line.startswith("socket.connect") for line in calls)
    for line in calls:
        event, _, raw = line.partition(" ")
        value = ast.literal_eval(raw)
        host = value[0] if isinstance(value, tuple) else value
        assert host in LOOPBACK, f"{event} to {value!r}: the demo must stay on loopback"


def test_scenario_reaches_each_step_and_the_daemon_publishes_it(demos: Demos) -> None:
    demo = demos("--scenario", "--step", "2")
    expected: list[tuple[str, Callable[[dict[str, dict[str, Any]]], bool]]] = [
        ("start: only the wind warning", lambda a: set(a) == {WIND}),
        ("1 fire risk issued", lambda a: FIRE in a and "stor till mycket stor" in a[FIRE]["text"]),
        ("2 fire risk updated", lambda a: FIRE in a and "lokalt extremt stor" in a[FIRE]["text"]
         and not any(x["level_name"] == "critical" for x in a.values())),
        ("3 VMA for Sundsvall", lambda a: any(
            x["level_name"] == "critical" and x["areas"] == ["2281"] for x in a.values())),
        ("4 VMA cancelled", lambda a: FIRE in a and not any(
            x["level_name"] == "critical" for x in a.values())),
        ("5 fire risk withdrawn", lambda a: set(a) == {WIND}),
    ]
    reached: list[str] = []
    deadline = demo.started + 90
    for name, holds in expected:
        demo.wait_until(lambda holds=holds: holds(alerts(demo)), deadline)  # type: ignore[misc]
        reached.append(name)
    assert len(reached) == len(expected)
    lines = demo.stdout()
    for number in range(1, 6):
        assert f"scenario step {number}/5:" in lines
    demo.wait_until(lambda: "scenario done" in demo.stdout(), deadline)
    # the feeds keep what ended, marked as ended: the VMA and the fire risk as last updated
    ended = {e.title: e for e in feedparser.parse(demo.get("/alerts.atom")[1]).entries
             if e.title.startswith("Avslutad: ")}
    assert set(ended) == {f"Avslutad: {FIRE}", "Avslutad: Viktigt meddelande till allmänheten"
                          " i Sundsvall i Västernorrlands län"}, set(ended)
    assert "lokalt extremt stor" in ended[f"Avslutad: {FIRE}"].content[0].value
    assert demo.terminate() == 0, demo.output()
    assert demo.leftovers() == []


def test_sigterm_while_starting_also_exits_0_and_leaves_nothing(demos: Demos) -> None:
    demo = demos()
    deadline = time.monotonic() + 20
    while not list(demo.tmpdir.iterdir()):  # its folder exists: it is setting up
        assert time.monotonic() < deadline and demo.proc.poll() is None, demo.output()
        time.sleep(0.005)
    assert demo.terminate() == 0, demo.output()
    assert "Traceback" not in demo.stderr()
    assert demo.leftovers() == []


def test_a_taken_port_fails_fast_with_a_clear_message(demos: Demos) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        demo = demos(port=taken.getsockname()[1])
        code = demo.proc.wait(10)
    assert time.monotonic() - demo.started < 10
    assert code != 0
    err = demo.stderr().strip()
    assert err.startswith(f"feeder: error: cannot serve on 127.0.0.1:{demo.port}:"), err
    assert "--port" in err
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in demo.output()
    assert demo.stdout() == ""
    assert demo.leftovers() == []


def test_bad_options_are_usage_errors() -> None:
    for args in (("--port", "0"), ("--port", "http"), ("--step", "0")):
        result = subprocess.run([sys.executable, "-m", "feeder", "demo", *args],
                                capture_output=True, text=True, timeout=30, cwd=ROOT,
                                env=demo_env(ROOT))
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("feeder demo: error: argument"), result.stderr
        assert "Traceback" not in result.stderr


OFFLINE = textwrap.dedent("""
    import fcntl, json, signal, socket, struct, subprocess, sys, time, urllib.request
    # bring up loopback in this new network namespace (there is nothing else)
    with socket.socket() as s:
        flags = struct.unpack("16sH", fcntl.ioctl(s, 0x8913, struct.pack("16sH", b"lo", 0)))[1]
        fcntl.ioctl(s, 0x8914, struct.pack("16sH", b"lo", flags | 1))
    interfaces = [name for _, name in socket.if_nameindex()]
    demo = subprocess.Popen([sys.executable, "-m", "feeder", "demo", "--port", "8080"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    titles, deadline = [], time.monotonic() + 20
    while time.monotonic() < deadline and len(titles) < 2:
        time.sleep(0.2)
        try:
            with urllib.request.urlopen("http://127.0.0.1:8080/banner.json", timeout=2) as r:
                titles = [a["title"] for a in json.load(r)["alerts"]]
        except OSError:
            pass
    demo.send_signal(signal.SIGTERM)
    code = demo.wait(30)
    print(json.dumps({"interfaces": interfaces, "titles": titles, "code": code,
                      "stderr": demo.stderr.read().decode()}))
""")


def _can_unshare() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_unshare(), reason="no network namespaces here (unshare -rn)")
def test_the_demo_works_with_no_network_at_all(tmp_path: Any) -> None:
    tmp_path.joinpath("tmp").mkdir()
    result = subprocess.run(["unshare", "-rn", sys.executable, "-c", OFFLINE],
                            capture_output=True, text=True, timeout=90, cwd=tmp_path,
                            env=demo_env(tmp_path / "tmp"))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["interfaces"] == ["lo"]
    assert set(report["titles"]) == {FIRE, WIND}, report
    assert report["code"] == 0, report["stderr"]
    assert list(tmp_path.joinpath("tmp").iterdir()) == []
