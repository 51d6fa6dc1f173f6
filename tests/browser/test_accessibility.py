"""axe-core on every page, for each role: no violation of WCAG 2 A and AA or of axe's best practices, of
impact moderate or above.

The pages are the layout walk's (tests/browser/test_layout.py: the url map on the demo network and its
awkward cases). Each page is checked once per role, at one width; the widths alternate between roles so
that every page is checked on a phone and on a wide screen: the member and the admin at 390 px (the
menu and the filters folded), the moderator, the employer and the signed-out visitor at 1280 px. axe
counts what a closed <details> holds as hidden, even where the stylesheet shows it (the menu and the
filters on a wide screen), so the audit opens every <details> first: the menu and the filters are
checked at both widths too.

axe is vendored under tests/browser/vendor/axe-core/. It goes in with ``add_init_script``: the page's
Content-Security-Policy (scripts from 'self' only) refuses ``add_script_tag``, which writes an inline
<script>; an init script is added by the browser itself, before the page's own, and is not subject to the
policy. ``bypass_csp`` would have worked too, but then axe would judge a page the site never serves.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from exchange.demo.network import DEMO_PASSWORD
from tests.browser.conftest import sign_in
from tests.browser.test_layout import ACCOUNTS, pages_of, site  # noqa: F401 - the walked network

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
RULE_SETS = ["wcag2a", "wcag2aa", "best-practice"]
FAILING = {"moderate", "serious", "critical"}
WIDTH = {"anonymous": 1280, "member": 390, "moderator": 1280, "admin": 390, "employer": 1280}

RUN_AXE = """async (tags) => {
    // axe counts what a closed <details> holds as hidden (see above): open them all.
    document.querySelectorAll('details').forEach(details => { details.open = true; });
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
}"""


@pytest.mark.parametrize("role", ["anonymous", *ACCOUNTS])
def test_no_page_has_an_accessibility_violation(browser, live_server, site, role, artifacts):
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH[role], "height": 844})
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    if role in ACCOUNTS:
        sign_in(page, ACCOUNTS[role], DEMO_PASSWORD)
    found = {url: page.evaluate(RUN_AXE, RULE_SETS) for url in pages_of(page, role, site)}
    context.close()
    (artifacts / f"axe-{role}.json").write_text(json.dumps(found, indent=1))
    failing = {f"{url}: {v['id']} ({v['impact']}) {v['help']}": [n["target"] for n in v["nodes"]][:5]
               for url, violations in found.items() for v in violations if v["impact"] in FAILING}
    assert failing == {}
