"""Browser tests: Playwright driving Debian's chromium against the live test server,
with an axe-core scan helper. Outside CI a missing chromium skips these tests; in CI
(CI=true) it fails them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; Django must allow its ORM here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SESIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        message = f"Debian's chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A fresh browser tab. Every page it shows must keep to the Content-Security-Policy:
    the browser reports each blocked script, style or image on the console."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert blocked == [], f"The Content-Security-Policy blocked: {blocked}"


_axe = Axe()


# axe's "incomplete" results are checks it could not decide ("needs review"). For
# colour contrast that means text over something axe cannot measure (an image, a
# gradient, an overlap); pa11y's default run fails on them, and so do we: the markup
# and styles must let axe compute every contrast.
UNDECIDED_RULES = ("color-contrast", "color-contrast-enhanced")


def assert_accessible(page: Page, name: str) -> None:
    """axe-core on the page as it is now: no violations of any rule, and no contrast
    that axe could not decide. Run on a loaded page: right after a click that
    navigates, the document can be the blank one between two pages (no <main>)."""
    page.wait_for_load_state("load")
    page.locator("main").first.wait_for(state="attached")
    results = _axe.run(page)
    undecided = [
        f"{item['id']}: {node['target']} {[(check.get('message'), check.get('data')) for check in node.get('any', [])]}"
        for item in results.response.get("incomplete", [])
        if item["id"] in UNDECIDED_RULES
        for node in item["nodes"]
    ]
    if results.violations_count or undecided:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"axe-{name}.png"), full_page=True)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"
    assert undecided == [], f"{name}: axe could not decide the contrast of: {undecided}"


def assert_fits_phone_width(page: Page, name: str) -> None:
    """At 360 px the page itself never scrolls sideways (wide tables scroll in their own box)."""
    page.set_viewport_size(PHONE)
    # Let the page lay itself out at the new width (two frames) before measuring it.
    page.wait_for_function(f"document.documentElement.clientWidth <= {PHONE['width']}")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        print(
            name,
            page.url,
            page.evaluate(
                """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 361 && !e.closest('.sesis-table-wrap')).slice(0,6).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' ' + (e.textContent||'').slice(0,40))"""
            ),
        )
    small = page.evaluate(SMALL_TARGETS)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    assert overflow <= 0, f"{name} is {overflow}px wider than a phone screen"
    assert not small, f"{name}: touch targets smaller than 44 x 44 px at phone width: {small}"


# Every control a finger must hit, at least 44 x 44 CSS px (WCAG 2.5.5). A checkbox or
# radio button counts with its label (tapping the label checks it). A link inside a
# sentence is exempt, as WCAG exempts inline targets; so is anything not shown.
SMALL_TARGETS = r"""() => {
  const small = [];
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.closest('details:not([open]) > :not(summary)')) continue;
    const boxes = [el, ...((el.type === 'checkbox' || el.type === 'radio') ? [...el.labels] : [])]
      .map(e => e.getBoundingClientRect())
      .filter(r => r.width > 1 && r.height > 1 && r.right > 0 && r.bottom + window.scrollY > 0);
    if (!boxes.length) continue;
    const height = Math.max(...boxes.map(r => r.height)), width = Math.max(...boxes.map(r => r.width));
    if (height >= 43.5 && width >= 43.5) continue;
    if (el.tagName === 'A') {
      // In a sentence: the block holds words besides its links (separators do not count).
      const block = el.parentElement.closest('p, li, td, th, dd, div, legend, label, h1, h2, h3');
      let words = block ? block.innerText : '';
      for (const link of block ? block.querySelectorAll('a') : []) words = words.replace(link.innerText, '');
      if (words.replace(/[\s·|,;:.()–-]/g, '').length > 3) continue;
    }
    small.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name || '').trim().slice(0, 30)}" ${Math.round(width)}x${Math.round(height)}`);
  }
  return small.slice(0, 12);
}"""


def sign_in(page: Page, staff_id: str, password: str) -> None:
    page.goto("/")
    page.get_by_label("Staff ID").fill(staff_id)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Welcome").wait_for()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to SESIS").wait_for()


class Interactions:
    """Performs a user's interactions and counts them: each click, choice, check or
    typed field is one."""

    def __init__(self) -> None:
        self.count = 0

    def click(self, locator) -> None:
        locator.click()
        self.count += 1

    def fill(self, locator, text: str) -> None:
        locator.fill(text)
        self.count += 1

    def choose(self, locator, label: str) -> None:
        locator.select_option(label=label)
        self.count += 1

    def check(self, locator) -> None:
        locator.check()
        self.count += 1


def record_figure(name: str, value: object) -> None:
    """Keep a measured figure (e.g. interaction counts) in test-artifacts/figures.json."""
    import json

    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "figures.json"
    figures = json.loads(path.read_text()) if path.exists() else {}
    figures[name] = value
    path.write_text(json.dumps(figures, indent=2, sort_keys=True))
