"""End to end in a real headless Chromium (Debian's ``chromium``, driven by Playwright):
sign in, count the map's markers, filter, open a run, edit a statement as an editor, be
refused as a viewer; no page logs an error (a script blocked by the CSP would). Screenshots
are kept in ``$BORNITE_TEST_ARTIFACTS`` (default ``test-artifacts/``).

Skips with the reason where Chromium or Playwright is missing, except under ``CI=true``:
``.ci/run`` installs Chromium, and CI must run these tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import PASSWORDS, TRIALS, populate

ARTIFACTS = Path(
    os.environ.get("BORNITE_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts")
)
#: Headless, no sandbox (containers run as root), and nothing that reaches the network.
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--metrics-recording-only",
]


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI must run the browser tests: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Debian's Chromium under Playwright (``$BORNITE_CHROMIUM`` names another binary)."""
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415
    except ImportError:
        _missing("playwright is not installed (pip install 'bornite[test]')")
    path = os.environ.get("BORNITE_CHROMIUM") or shutil.which("chromium")
    if not path:
        _missing("no chromium on PATH (apt install chromium, or set BORNITE_CHROMIUM)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    """The dashboard of the test inventory on a loopback port, in a thread."""
    import uvicorn  # noqa: PLC0415

    from bornite.web import WebSettings, create_app  # noqa: PLC0415

    root = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{root / 'inventory.sqlite'}"
    store, tract_id, _estimate, _trials = populate(url, root)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(WebSettings(db=url))
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "the dashboard did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", {"store": store, "tract": tract_id}
    instance.should_exit = True
    thread.join(timeout=10)
    store.close()


def _page(browser: object, errors: list[str]):
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORDS[username][1])
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#signed-in")


def test_an_editor_signs_in_maps_filters_opens_a_run_and_edits(chromium, server) -> None:
    base, data = server
    errors: list[str] = []
    page = _page(chromium, errors)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    _sign_in(page, base, "eve")
    assert page.text_content("#signed-in").strip() == "eve (editor)"

    page.goto(f"{base}/")
    page.wait_for_selector("#map[data-ready='1']", timeout=30_000)
    # Three deposits have coordinates; each is one SVG marker.
    assert page.get_attribute("#map", "data-markers") == "3"
    assert page.locator("#map .scatterlayer path.point").count() == 3
    page.screenshot(path=str(ARTIFACTS / "dashboard-map.png"), full_page=True)

    page.goto(f"{base}/deposits")
    assert page.text_content("#match-count") == "4"
    page.select_option("select[name=belt]", "Yulong")
    page.click("#deposit-filters button[type=submit]")
    page.wait_for_url("**belt=Yulong**")
    assert page.text_content("#match-count") == "2"
    assert page.locator("#deposits tbody tr").count() == 2

    page.goto(f"{base}/runs")
    page.click("text=Gangdese tract")
    page.wait_for_selector("[data-chart='trials'][data-ready='1']", timeout=30_000)
    assert page.text_content("#run-title") == "tract: Gangdese tract"
    assert page.get_attribute("[data-chart='trials']", "data-markers") == str(TRIALS)
    assert page.locator("[data-chart='trials'] .barlayer path").count() > 5
    page.screenshot(path=str(ARTIFACTS / "dashboard-run.png"), full_page=True)

    page.goto(f"{base}/deposits/alpha")
    current = page.locator("tr.current").first.get_attribute("id").removeprefix("statement-")
    page.click(f"text=Edit statement {current}")
    form = page.locator(f"form[data-statement='{current}']")
    form.locator("input[name=citation]").fill("Edited in a browser")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"#statement-{current} .citation:has-text('Edited in a browser')")
    assert page.text_content(f"#statement-{current} .version") == "2"
    assert "eve: citation" in page.text_content("#statements")
    page.screenshot(path=str(ARTIFACTS / "dashboard-deposit.png"), full_page=True)
    statements = data["store"].statements(deposit="alpha")
    edited = statements[statements["id"] == int(current)]
    assert edited["citation"].iloc[0] == "Edited in a browser"
    assert errors == []


def test_a_viewer_is_refused_an_edit(chromium, server) -> None:
    base, data = server
    errors: list[str] = []
    page = _page(chromium, errors)
    _sign_in(page, base, "vic")
    page.goto(f"{base}/deposits/alpha")
    assert page.locator("text=Edit statement").count() == 0
    current = page.locator("tr.current").first.get_attribute("id").removeprefix("statement-")
    before = data["store"].statements(deposit="alpha")
    # The page's own token, sent by the page's origin: refused for the role, not the token.
    status = page.evaluate(
        """async (id) => {
            const csrf = document.querySelector("main").dataset.csrf;
            const response = await fetch(`/api/statements/${id}`, {
                method: "PATCH",
                headers: {"content-type": "application/json", "x-csrf-token": csrf},
                body: JSON.stringify({version: 1, changes: {citation: "by a viewer"}}),
            });
            return [response.status, (await response.json()).detail];
        }""",
        current,
    )
    assert status[0] == 403
    assert "viewer" in status[1]
    page.goto(f"{base}/import")
    assert page.text_content("#error").startswith("importing needs an editor")
    after = data["store"].statements(deposit="alpha")
    assert after["citation"].tolist() == before["citation"].tolist()
    page.screenshot(path=str(ARTIFACTS / "dashboard-refused.png"), full_page=True)
    # The refusals above are answered with 403; the only console errors are those.
    assert all("403" in e for e in errors), errors
