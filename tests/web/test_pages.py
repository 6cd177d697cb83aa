"""The HTML pages: each renders, none has an inline or external script, sign-in by form with
its CSRF cookie, edits and imports by form, refusals shown as pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.web.conftest import PASSWORDS, Dashboard


class _Scripts(HTMLParser):
    """The script tags of a page and the URLs it loads."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inline: list[str] = []
        self.urls: list[str] = []
        self.handlers: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self.scripts.append(values)
            self._in_script = True
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}")
            if name in {"src", "href", "action"} and value:
                self.urls.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(data)


def _pages(dashboard: Dashboard) -> list[str]:
    return [
        "/",
        "/deposits",
        "/deposits?search=alpha&belt=Gangdese&sort=name&descending=false",
        "/deposits/alpha",
        "/inventory",
        "/inventory?by=category&basis=resources&as_of=2020-01-01&mckelvey=region",
        "/runs",
        f"/runs/{dashboard.tract_id}",
        f"/runs/{dashboard.estimate_id}",
        "/import",
        "/login",
    ]


def test_every_page_renders_with_local_scripts_only(dashboard: Dashboard) -> None:
    editor, _csrf = dashboard.signed_in("eve")
    for url in _pages(dashboard):
        response = editor.get(url)
        assert response.status_code == 200, (url, response.text[:300])
        parsed = _Scripts()
        parsed.feed(response.text)
        assert parsed.inline == [], url
        assert parsed.handlers == [], url
        assert {s["src"] for s in parsed.scripts} == {
            "/vendor/plotly.min.js",
            "/static/bornite.js",
        }, url
        external = [u for u in parsed.urls if re.match(r"^(https?:)?//", u)]
        assert external == [], url


def test_the_static_assets_load_nothing_from_the_internet(dashboard: Dashboard) -> None:
    client = dashboard.client()
    for asset in ("/static/bornite.js", "/static/bornite.css"):
        text = client.get(asset).text
        assert not re.search(r"https?://", text), asset


def test_pages_show_the_data(dashboard: Dashboard) -> None:
    client = dashboard.client()
    listing = client.get("/deposits", params={"belt": "Yulong"}).text
    assert '<span id="match-count">2</span>' in listing
    assert "Gamma 100%_copper" in listing
    assert "Alpha porphyry" not in listing
    detail = client.get("/deposits/alpha").text
    assert detail.count('class="superseded"') == 2
    assert detail.count('class="current"') == 1
    assert "5,400,000" in detail  # 1.2e9 t at 0.45 % Cu
    assert "Edit statement" not in detail  # nobody signed in
    run = client.get(f"/runs/{dashboard.tract_id}").text
    assert 'data-chart="trials"' in run
    assert "figures/totals.svg" in run
    assert client.get("/deposits/atlantis").status_code == 404
    assert "no deposit" in client.get("/deposits/atlantis").text


def test_sign_in_by_form_needs_the_form_cookie_and_goes_back_safely(dashboard: Dashboard) -> None:
    client = dashboard.client()
    form = client.get("/login", params={"next": "/deposits"})
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    assert client.cookies.get("bornite_login") == token
    password = PASSWORDS["vic"][1]
    forged = dashboard.client().post(
        "/login",
        data={"username": "vic", "password": password, "csrf": token, "next": "/"},
        follow_redirects=False,
    )
    assert forged.status_code == 403  # the token without its cookie
    wrong = client.post(
        "/login",
        data={"username": "vic", "password": "wrong password", "csrf": token, "next": "/"},
    )
    assert wrong.status_code == 401
    assert "wrong user name or password" in wrong.text
    token = re.search(r'name="csrf" value="([^"]+)"', wrong.text).group(1)
    done = client.post(
        "/login",
        data={"username": "vic", "password": password, "csrf": token, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/"
    assert "vic (viewer)" in client.get("/").text
    assert client.post("/logout", follow_redirects=False).status_code == 303
    assert "vic (viewer)" not in client.get("/").text


@pytest.mark.parametrize("next_path", ["/deposits/alpha", "/runs?kind=tract"])
def test_sign_in_returns_to_a_local_page(dashboard: Dashboard, next_path: str) -> None:
    client = dashboard.client()
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    done = client.post(
        "/login",
        data={"username": "eve", "password": PASSWORDS["eve"][1], "csrf": token, "next": next_path},
        follow_redirects=False,
    )
    assert done.headers["location"] == next_path


def _statement_form(html: str) -> tuple[str, str, str]:
    action = re.search(r'<form method="post" action="(/deposits/alpha/statements/\d+)"', html)
    version = re.search(r'name="version" value="(\d+)"', html[action.end() :])
    csrf = re.search(r'name="csrf" value="([^"]+)"', html)
    return action.group(1), version.group(1), csrf.group(1)


def test_an_editor_edits_a_statement_by_form_and_a_stale_form_gets_409(
    dashboard: Dashboard,
) -> None:
    editor, _csrf = dashboard.signed_in("eve")
    page = editor.get("/deposits/alpha").text
    assert "Edit statement" in page
    action, version, csrf = _statement_form(page)
    fields = {"csrf": csrf, "version": version, "ore_t": "1,300,000,000", "cutoff": "0.2 % Cu"}
    done = editor.post(action, data={**fields, "citation": "2024 update"}, follow_redirects=False)
    assert done.status_code == 303
    after = editor.get("/deposits/alpha").text
    assert "2024 update" in after
    assert "eve: citation" in after  # the edit history
    stale = editor.post(action, data={**fields, "citation": "older form"})
    assert stale.status_code == 409
    assert "changed by someone else" in stale.text
    assert "older form" not in editor.get("/deposits/alpha").text
    bad = editor.post(
        action, data={**fields, "version": str(int(version) + 1), "ore_t": "lots", "citation": "x"}
    )
    assert bad.status_code == 422
    assert "not a number" in bad.text
    no_token = editor.post(action, data={**fields, "csrf": "", "citation": "no token"})
    assert no_token.status_code == 403


def test_a_viewer_sees_no_edit_form_and_is_refused(dashboard: Dashboard) -> None:
    editor, _ = dashboard.signed_in("eve")
    action, version, _token = _statement_form(editor.get("/deposits/alpha").text)
    viewer, csrf = dashboard.signed_in("vic")
    page = viewer.get("/deposits/alpha").text
    assert "Edit statement" not in page
    refused = viewer.post(action, data={"csrf": csrf, "version": version, "citation": "mine"})
    assert refused.status_code == 403
    assert "vic is a viewer" in refused.text
    assert viewer.get("/import").status_code == 403
    anonymous = dashboard.client().post(action, data={"version": version, "citation": "anon"})
    assert anonymous.status_code == 401


def test_an_editor_imports_by_form(dashboard: Dashboard) -> None:
    editor, _ = dashboard.signed_in("eve", max_upload_bytes=2048)
    csrf = re.search(r'name="csrf" value="([^"]+)"', editor.get("/import").text).group(1)
    content = b"id,name,belt\nomega,Omega,Yulong\n"
    done = editor.post("/import", data={"csrf": csrf}, files={"file": ("more.csv", content)})
    assert done.status_code == 200
    assert "Imported more.csv" in done.text
    refused = editor.post("/import", data={"csrf": csrf}, files={"file": ("more.txt", b"id\nx\n")})
    assert refused.status_code == 422
    assert ".txt" in refused.text
    big = editor.post("/import", data={"csrf": csrf}, files={"file": ("big.csv", b"x" * 4096)})
    assert big.status_code == 413
    assert dashboard.store.counts()["deposits"] == 5
