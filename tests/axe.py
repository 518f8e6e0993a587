"""axe-core, the accessibility checker (npm, pinned in package.json), run in a Playwright page.

    violations = axe_violations(page)            # the whole document as it is now
    assert not violations, describe(violations)

Reusable for any page the build writes (a deck, a course index).
"""

from __future__ import annotations

import pytest
from conftest import IN_CI, ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

RUN = """
async (selector) => {
  const result = await axe.run(selector ? document.querySelector(selector) : document,
                               {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').trim()),
  }));
}
"""


def axe_violations(page, selector: str | None = None) -> list[dict]:
    """axe-core's violations on the page (or the element at selector), with the default rules."""
    if not AXE.is_file():
        message = f"axe-core is not installed ({AXE} is missing; make setup runs npm ci)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN, selector)


def describe(violations: list[dict]) -> str:
    """The violations as a readable list, for an assertion message."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"][:5])
        for v in violations
    )
