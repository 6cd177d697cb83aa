"""Every endpoint of the JSON API, on SQLite and PostgreSQL: reads, CSV downloads, roles,
CSRF, stale edits (409), uploads, sign-in limits, users, the OpenAPI schema."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from bornite.store import Store
from bornite.web import api, plotly_js
from tests.web.conftest import PASSWORDS, TRIALS, Dashboard


def _alpha_metal() -> float:
    return 1.2e9 * 0.45 / 100  # the 2022 report supersedes 2019's measured and inferred


# ---------------------------------------------------------------------- schema and headers


def test_the_openapi_schema_lists_every_api_route(dashboard: Dashboard) -> None:
    client = dashboard.client()
    schema = client.get("/api/openapi.json").json()
    documented = {
        (path, method.upper()) for path, item in schema["paths"].items() for method in item
    }
    routes = {
        (route.path.replace(":path}", "}"), method)
        for route in api.router.routes
        for method in route.methods
    }
    assert routes, "the app has API routes"
    assert routes <= documented
    assert ("/api/statements/{statement_id}", "PATCH") in documented
    # Swagger UI and ReDoc would load scripts from a CDN: they are not served.
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404


def test_security_headers_and_a_policy_without_inline_or_external_scripts(
    dashboard: Dashboard,
) -> None:
    client = dashboard.client()
    for url in ("/", "/api/rollup", "/static/bornite.js", "/login"):
        headers = client.get(url).headers
        policy = headers["content-security-policy"]
        scripts = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
        assert scripts.split() == ["script-src", "'self'"], url
        assert "frame-ancestors 'none'" in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
    assert "no-store" in client.get("/api/deposits").headers["cache-control"]


def test_plotly_is_served_from_the_installed_package(dashboard: Dashboard) -> None:
    response = dashboard.client().get("/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response.content == plotly_js().read_bytes()
    assert response.headers["content-type"].startswith("text/javascript")


# ---------------------------------------------------------------------- reads


def test_reading_is_open_by_default_and_behind_login_when_set(dashboard: Dashboard) -> None:
    assert dashboard.client().get("/api/deposits").status_code == 200
    closed = dashboard.client(login_required=True)
    assert closed.get("/api/deposits").status_code == 401
    page = closed.get("/deposits?search=alpha", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/deposits?search=alpha"
    assert closed.get("/api/health").status_code == 200  # health needs no sign-in
    viewer, _csrf = dashboard.signed_in("vic", login_required=True)
    assert viewer.get("/api/deposits").status_code == 200


def test_deposits_search_filter_sort_page_and_csv(dashboard: Dashboard) -> None:
    client = dashboard.client()
    body = client.get("/api/deposits", params={"sort": "metal_t", "descending": True}).json()
    assert body["total"] == 4
    assert [r["id"] for r in body["rows"]] == ["alpha", "beta", "gamma", "delta"]
    assert body["rows"][0]["metal_t"] == pytest.approx(_alpha_metal(), rel=1e-12)
    assert body["rows"][-1]["metal_t"] is None  # no statement: sorted last either way
    ascending = client.get("/api/deposits", params={"sort": "metal_t"}).json()["rows"]
    assert [r["id"] for r in ascending] == ["gamma", "beta", "alpha", "delta"]

    belt = client.get("/api/deposits", params={"belt": "Yulong"}).json()
    assert {r["id"] for r in belt["rows"]} == {"gamma", "delta"}
    assert client.get("/api/deposits", params={"search": "a1"}).json()["total"] == 1  # alias
    # LIKE wildcards in a search are literal characters.
    assert [
        r["id"] for r in client.get("/api/deposits", params={"search": "100%_c"}).json()["rows"]
    ] == ["gamma"]
    assert client.get("/api/deposits", params={"search": "%"}).json()["total"] == 1
    # Text that would break a query built by concatenation is only text.
    injected = client.get("/api/deposits", params={"search": "' OR 1=1 --"}).json()
    assert injected["total"] == 0
    assert client.get("/api/deposits").json()["total"] == 4

    page = client.get("/api/deposits", params={"limit": 2, "offset": 2, "sort": "id"}).json()
    assert page["total"] == 4
    assert [r["id"] for r in page["rows"]] == ["delta", "gamma"]

    download = client.get("/api/deposits", params={"format": "csv", "belt": "Gangdese"})
    assert download.headers["content-disposition"] == 'attachment; filename="deposits.csv"'
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert sorted(r["id"] for r in rows) == ["alpha", "beta"]

    assert client.get("/api/deposits", params={"sort": "password"}).status_code == 422
    assert client.get("/api/deposits", params={"limit": 0}).status_code == 422
    assert client.get("/api/deposits", params={"format": "xml"}).status_code == 422


def test_a_deposit_has_its_statement_history_edits_and_runs(dashboard: Dashboard) -> None:
    client = dashboard.client()
    body = client.get("/api/deposits/alpha").json()
    assert body["deposit"]["name"] == "Alpha porphyry"
    dated = sorted(
        (s["effective_date"], s["category"], s["superseded_on"]) for s in body["statements"]
    )
    assert dated == [
        ("2019-06-30", "inferred", "2022-03-15"),
        ("2019-06-30", "measured", "2022-03-15"),
        ("2022-03-15", "measured", None),
    ]
    assert [r["id"] for r in body["runs"]] == [dashboard.estimate_id]
    assert client.get("/api/deposits/atlantis").status_code == 404
    download = client.get("/api/deposits/alpha/statements", params={"format": "csv"})
    assert len(list(csv.DictReader(io.StringIO(download.text)))) == 3


def test_rollups_equal_the_store_and_follow_edits(dashboard: Dashboard) -> None:
    client = dashboard.client()
    by_belt = {r["group"]: r for r in client.get("/api/rollup").json()["rows"]}
    expected = dashboard.store.rollup("belt").set_index("group")
    assert set(by_belt) == set(expected.index) == {"Gangdese", "Yulong", "total"}
    for group, row in by_belt.items():
        assert row["metal_t"] == pytest.approx(expected.loc[group, "metal_t"], rel=1e-12)
    assert by_belt["Gangdese"]["metal_t"] == pytest.approx(
        _alpha_metal() + 2.0e8 * 0.008, rel=1e-12
    )
    # As of 2020: alpha's 2019 report (measured and inferred), nothing of beta yet.
    early = {
        r["group"]: r
        for r in client.get("/api/rollup", params={"as_of": "2020-01-01"}).json()["rows"]
    }
    assert early["Gangdese"]["metal_t"] == pytest.approx(1e9 * 0.005 + 2e8 * 0.003, rel=1e-12)
    categories = client.get("/api/rollup", params={"by": "category", "scheme": "gbt17766"}).json()
    assert any("探明" in r["group"] for r in categories["rows"])
    assert client.get("/api/rollup", params={"by": "colour"}).status_code == 422
    assert client.get("/api/rollup", params={"as_of": "yesterday"}).status_code == 422
    assert "Gangdese" in client.get("/api/rollup", params={"format": "csv"}).text

    # An edit of ore tonnage changes the roll-up at once (the cache follows the database).
    statement = next(
        s
        for s in client.get("/api/deposits/alpha").json()["statements"]
        if s["superseded_on"] is None
    )
    editor, csrf = dashboard.signed_in("eve")
    edited = editor.patch(
        f"/api/statements/{statement['id']}",
        json={"version": statement["version"], "changes": {"ore_t": 2.4e9}},
        headers={"x-csrf-token": csrf},
    )
    assert edited.status_code == 200, edited.text
    after = {r["group"]: r for r in client.get("/api/rollup").json()["rows"]}
    assert after["Gangdese"]["metal_t"] == pytest.approx(
        2 * _alpha_metal() + 2.0e8 * 0.008, rel=1e-12
    )


def test_mckelvey_and_additions(dashboard: Dashboard) -> None:
    client = dashboard.client()
    box = {r["group"]: r for r in client.get("/api/mckelvey").json()["rows"]}
    gangdese = box["Gangdese"]
    assert gangdese["undiscovered_mean_t"] == pytest.approx(dashboard.trials.mean(), rel=1e-9)
    assert gangdese["undiscovered_q90_t"] == pytest.approx(
        np.quantile(dashboard.trials, 0.9), rel=1e-6
    )
    assert gangdese["measured_t"] == pytest.approx(_alpha_metal(), rel=1e-12)
    assert client.get("/api/mckelvey", params={"by": "country"}).status_code == 422

    added = {
        r["group"]: r
        for r in client.get("/api/additions", params={"since": "2021-01-01", "by": "belt"}).json()[
            "rows"
        ]
    }
    before = 1e9 * 0.005 + 2e8 * 0.003
    gangdese = added["Gangdese"]
    assert gangdese["new_deposits"] == 1  # beta, first reported in 2021
    assert gangdese["new_metal_t"] == pytest.approx(1.6e6, rel=1e-12)
    assert gangdese["growth_t"] == 0.0  # alpha shrank: no growth, a net loss
    assert gangdese["net_change_t"] == pytest.approx(1.6e6 + _alpha_metal() - before, rel=1e-12)
    assert client.get("/api/additions").status_code == 422  # since is required


def test_the_map_has_placed_deposits_and_no_layer_without_a_prospect_run(
    dashboard: Dashboard,
) -> None:
    body = dashboard.client().get("/api/map").json()
    assert sorted(d["id"] for d in body["deposits"]) == ["alpha", "beta", "gamma"]
    assert body["unplaced"] == 1
    alpha = next(d for d in body["deposits"] if d["id"] == "alpha")
    assert alpha["metal_t"] == pytest.approx(_alpha_metal(), rel=1e-12)
    assert body["prospectivity"] is None
    assert body["basemap"] is None


# ---------------------------------------------------------------------- runs and files


def test_runs_records_trials_and_grade_tonnage(dashboard: Dashboard) -> None:
    client = dashboard.client()
    runs = client.get("/api/runs").json()["rows"]
    assert {r["kind"] for r in runs} == {"tract", "estimate"}
    assert client.get("/api/runs", params={"kind": "tract"}).json()["rows"][0]["belt"] == "Gangdese"
    record = client.get(f"/api/runs/{dashboard.tract_id}").json()
    assert record["name"] == "Gangdese tract"
    assert record["seed"] == 11
    trials = client.get(f"/api/runs/{dashboard.tract_id}/trials").json()["rows"]
    assert len(trials) == TRIALS
    assert np.allclose([t["cu_t"] for t in trials], dashboard.trials, rtol=1e-12)
    curve = client.get(f"/api/runs/{dashboard.estimate_id}/grade-tonnage").json()["rows"]
    assert [r["cutoff"] for r in curve if r["class"] == "all"] == [0.0, 0.2, 0.4]
    assert client.get(f"/api/runs/{dashboard.tract_id}/grade-tonnage").status_code == 404
    assert client.get("/api/runs/nope").status_code == 404
    assert client.get("/api/runs/nope/trials").status_code == 404


def test_run_files_are_served_sandboxed_and_nothing_else(dashboard: Dashboard) -> None:
    client = dashboard.client()
    base = f"/api/runs/{dashboard.tract_id}/files"
    report = client.get(f"{base}/report.html")
    assert report.status_code == 200
    assert "Gangdese tract" in report.text
    assert "sandbox" in report.headers["content-security-policy"]
    assert client.get(f"{base}/figures/totals.svg").headers["content-type"] == "image/svg+xml"
    for name in (
        "secret.html",  # in the folder, not an output of the run
        "../outside.html",
        "..%2Foutside.html",
        "%2e%2e/outside.html",
        "figures/../../outside.html",
        "/etc/passwd",
        "%2Fetc%2Fpasswd",
        "totals.csv/../secret.html",
        "run.json",
    ):
        response = client.get(f"{base}/{name}")
        assert response.status_code == 404, name
        assert "outside the run folder" not in response.text
        assert "not an output" not in response.text


# ---------------------------------------------------------------------- writes


def _current_alpha(client) -> dict:
    statements = client.get("/api/deposits/alpha").json()["statements"]
    return next(s for s in statements if s["superseded_on"] is None)


def test_statement_edits_need_an_editor_and_the_csrf_token(dashboard: Dashboard) -> None:
    statement = _current_alpha(dashboard.client())
    url = f"/api/statements/{statement['id']}"
    body = {"version": statement["version"], "changes": {"citation": "new report"}}

    assert dashboard.client().patch(url, json=body).status_code == 401
    viewer, viewer_csrf = dashboard.signed_in("vic")
    refused = viewer.patch(url, json=body, headers={"x-csrf-token": viewer_csrf})
    assert refused.status_code == 403
    assert "viewer" in refused.json()["detail"]
    editor, csrf = dashboard.signed_in("eve")
    assert editor.patch(url, json=body).status_code == 403  # no token
    assert editor.patch(url, json=body, headers={"x-csrf-token": viewer_csrf}).status_code == 403
    assert _current_alpha(editor)["citation"] == "test report"

    done = editor.patch(url, json=body, headers={"x-csrf-token": csrf})
    assert done.status_code == 200
    assert done.json()["version"] == statement["version"] + 1
    after = _current_alpha(editor)
    assert after["citation"] == "new report"
    history = editor.get(f"/api/statements/{statement['id']}/edits").json()["rows"]
    assert [(h["field"], h["who"]) for h in history] == [("citation", "eve")]


def test_a_stale_edit_is_refused_with_409_and_changes_nothing(dashboard: Dashboard) -> None:
    editor, csrf = dashboard.signed_in("eve")
    statement = _current_alpha(editor)
    url = f"/api/statements/{statement['id']}"
    first = {"version": statement["version"], "changes": {"citation": "first"}}
    assert editor.patch(url, json=first, headers={"x-csrf-token": csrf}).status_code == 200
    second = {"version": statement["version"], "changes": {"citation": "second"}}
    stale = editor.patch(url, json=second, headers={"x-csrf-token": csrf})
    assert stale.status_code == 409
    assert "reload" in stale.json()["detail"]
    assert _current_alpha(editor)["citation"] == "first"

    headers = {"x-csrf-token": csrf}
    bad_field = {"version": statement["version"] + 1, "changes": {"cu_pct": 9.0}}
    assert editor.patch(url, json=bad_field, headers=headers).status_code == 422
    assert editor.patch("/api/statements/999999", json=first, headers=headers).status_code == 404
    assert editor.patch(url, json={"changes": {}}, headers=headers).status_code == 422


def test_deposit_edits(dashboard: Dashboard) -> None:
    editor, csrf = dashboard.signed_in("eve")
    version = editor.get("/api/deposits/beta").json()["deposit"]["version"]
    change = {"version": version, "changes": {"status": "producing"}}
    response = editor.patch("/api/deposits/beta", json=change, headers={"x-csrf-token": csrf})
    assert response.status_code == 200
    detail = editor.get("/api/deposits/beta").json()
    assert detail["deposit"]["status"] == "producing"
    assert [(e["field"], e["who"]) for e in detail["edits"]] == [("status", "eve")]
    stale = editor.patch("/api/deposits/beta", json=change, headers={"x-csrf-token": csrf})
    assert stale.status_code == 409


NEW_DEPOSITS = (
    "id,name,belt,country,easting,northing,crs\n"
    "epsilon,Epsilon,Gangdese,China,90.1,29.3,EPSG:4326\n"
)


def test_uploads_import_and_refuse_bad_or_oversized_files(dashboard: Dashboard) -> None:
    editor, csrf = dashboard.signed_in("eve", max_upload_bytes=4096)
    headers = {"x-csrf-token": csrf}
    before = dashboard.store.counts()

    def upload(name: str, content: bytes, client=editor, **extra):
        return client.post("/api/import", files={"file": (name, content)}, **extra)

    assert upload("new.csv", NEW_DEPOSITS.encode()).status_code == 403  # no CSRF token
    viewer, viewer_csrf = dashboard.signed_in("vic")
    assert (
        upload(
            "new.csv", NEW_DEPOSITS.encode(), viewer, headers={"x-csrf-token": viewer_csrf}
        ).status_code
        == 403
    )

    too_big = upload("big.csv", NEW_DEPOSITS.encode() + b"#" * 5000, headers=headers)
    assert too_big.status_code == 413
    wrong_type = upload("run.exe", b"MZ\x90\x00", headers=headers)
    assert wrong_type.status_code == 422
    assert ".exe" in wrong_type.json()["detail"]
    assert upload("empty.csv", b"", headers=headers).status_code == 422
    bad_row = (
        NEW_DEPOSITS + "zeta,Zeta,Gangdese,China,91.0,-95.0,EPSG:4326\n,No id,Gangdese,China,1,1,\n"
    )
    refused = upload("bad.csv", bad_row.encode(), headers=headers)
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert detail.startswith("bad.csv")
    assert "row" in detail
    assert "upload." not in detail  # the temporary file's name is not shown
    assert dashboard.store.counts() == before

    # A name with folders is only a name: nothing is written where it points.
    done = upload("../../../tmp/new.csv", NEW_DEPOSITS.encode(), headers=headers)
    assert done.status_code == 200, done.text
    assert done.json()["imports"][0] == {"table": "deposits", "rows": 1, "added": 1, "unchanged": 0}
    assert dashboard.store.counts()["deposits"] == before["deposits"] + 1
    again = upload("new.csv", NEW_DEPOSITS.encode(), headers=headers).json()
    assert again["imports"][0]["added"] == 0


# ---------------------------------------------------------------------- sessions and users


def test_sign_in_is_rate_limited(dashboard: Dashboard) -> None:
    client = dashboard.client(login_attempts=3, login_window_s=600)
    wrong = {"username": "vic", "password": "not the password"}
    for _ in range(3):
        assert client.post("/api/login", json=wrong).status_code == 401
    blocked = client.post("/api/login", json={"username": "vic", "password": PASSWORDS["vic"][1]})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    # An unknown name gets the same answer as a wrong password.
    other = dashboard.client()
    unknown = other.post("/api/login", json={"username": "mallory", "password": "x" * 12})
    assert unknown.status_code == 401
    assert unknown.json() == other.post("/api/login", json=wrong).json()


def test_sessions_end_on_logout_and_expire(dashboard: Dashboard) -> None:
    client, _csrf = dashboard.signed_in("eve")
    assert client.get("/api/me").json()["username"] == "eve"
    assert client.post("/api/logout").status_code == 204
    assert client.get("/api/me").json() is None

    token, _csrf = dashboard.store.accounts.start("eve", hours=-0.01)  # already expired
    expired = dashboard.client()
    expired.cookies.set("bornite_session", token)
    assert expired.get("/api/me").json() is None
    statement = _current_alpha(expired)
    body = {"version": statement["version"], "changes": {"citation": "late"}}
    assert expired.patch(f"/api/statements/{statement['id']}", json=body).status_code == 401


def test_cookies_are_httponly_and_strict(dashboard: Dashboard) -> None:
    response = dashboard.client(secure_cookies=True).post(
        "/api/login", json={"username": "vic", "password": PASSWORDS["vic"][1]}
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "secure" in cookie


def test_admins_manage_users(dashboard: Dashboard) -> None:
    admin, csrf = dashboard.signed_in("ada")
    headers = {"x-csrf-token": csrf}
    names = [u["username"] for u in admin.get("/api/users").json()["rows"]]
    assert names == ["ada", "eve", "vic"]
    assert all("password_hash" not in u for u in admin.get("/api/users").json()["rows"])
    new = {"username": "zoe", "password": "zoe-long-password", "role": "editor"}
    assert admin.post("/api/users", json=new).status_code == 403  # no token
    assert admin.post("/api/users", json=new, headers=headers).status_code == 201
    short = {**new, "username": "yan", "password": "short"}
    assert admin.post("/api/users", json=short, headers=headers).status_code == 422
    zoe, _ = dashboard.signed_in("eve")  # any other user's client
    assert zoe.get("/api/users").status_code == 403
    assert admin.delete("/api/users/ada", headers=headers).status_code == 422  # not yourself
    assert admin.delete("/api/users/zoe", headers=headers).status_code == 204
    assert admin.delete("/api/users/zoe", headers=headers).status_code == 404


def test_health(dashboard: Dashboard) -> None:
    body = dashboard.client().get("/api/health").json()
    assert body["revision"] == Store.head()
    assert body["counts"]["deposits"] == 4
    assert json.dumps(body)
