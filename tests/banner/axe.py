"""axe-core in the page under test: the serious and critical violations it finds (a plain
module for the banner tests)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.common import AXE

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' '))}));
}"""


def axe_violations(page: Page) -> list[dict[str, Any]]:
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed at {AXE} "
                    "(.ci/run: npm install --prefix .ci/node axe-core@4.10)")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(AXE_RUN)
    return [v for v in found if v["impact"] in ("serious", "critical")]
