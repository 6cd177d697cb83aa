"""A small, known inventory with runs and users, served by the dashboard on each backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip(
    "fastapi", reason="the dashboard needs the web extra (pip install bornite[web])"
)

from fastapi.testclient import TestClient

from bornite.io import sha256_file
from bornite.store import Store
from bornite.web import WebSettings, create_app
from bornite.workflows import OutputFile, RunRecord, store_run

PASSWORDS = {
    "ada": ("admin", "ada-admin-password"),
    "eve": ("editor", "eve-editor-password"),
    "vic": ("viewer", "vic-viewer-password"),
}
TRIALS = 500


def deposits() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["alpha", "beta", "gamma", "delta"],
            "name": ["Alpha porphyry", "Beta skarn", "Gamma 100%_copper", "Delta"],
            "aliases": ["A1", "", "", ""],
            "easting": [91.6, 92.1, 97.7, None],
            "northing": [29.6, 29.9, 31.4, None],
            "crs": ["EPSG:4326", "EPSG:4326", "EPSG:4326", ""],
            "deposit_type": ["porphyry Cu", "skarn Cu", "porphyry Cu", "porphyry Cu"],
            "belt": ["Gangdese", "Gangdese", "Yulong", "Yulong"],
            "region": "Tibet",
            "country": "China",
            "status": ["producing", "resource", "prospect", "prospect"],
        }
    )


def statements() -> pd.DataFrame:
    rows = [
        ("alpha", "2019-06-30", "measured", 1.0e9, 0.50),
        ("alpha", "2019-06-30", "inferred", 2.0e8, 0.30),
        ("alpha", "2022-03-15", "measured", 1.2e9, 0.45),
        ("beta", "2021-01-01", "indicated", 2.0e8, 0.80),
        ("gamma", "2020-05-01", "inferred", 5.0e8, 0.30),
    ]
    frame = pd.DataFrame(
        rows, columns=["deposit_id", "effective_date", "category", "ore_t", "cu_pct"]
    )
    frame["code"] = "jorc2012"
    frame["citation"] = "test report"
    return frame


def _run_folder(root: Path) -> tuple[Path, RunRecord]:
    """A tract run's folder: a report, a figure, its trials, and files it did not write."""
    folder = root / "runs" / "gangdese"
    (folder / "figures").mkdir(parents=True)
    (folder / "report.html").write_text("<html><body><h1>Gangdese tract</h1></body></html>")
    (folder / "figures" / "totals.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<rect width="10" height="10"/></svg>'
    )
    totals = np.random.default_rng(7).gamma(2.0, 4.0e6, size=TRIALS)
    totals[::5] = 0.0
    pd.DataFrame({"trial": np.arange(1, TRIALS + 1), "cu_t": totals}).to_csv(
        folder / "totals.csv", index=False
    )
    (folder / "secret.html").write_text("not an output of the run")
    (root / "runs" / "outside.html").write_text("outside the run folder")
    listed = ["report.html", "figures/totals.svg", "totals.csv"]
    outputs = tuple(
        OutputFile(p, sha256_file(folder / p), (folder / p).stat().st_size) for p in listed
    )
    record = RunRecord(
        kind="tract",
        name="Gangdese tract",
        seed=11,
        folder=str(folder),
        outputs=outputs,
        links={"belt": "Gangdese"},
        results={"trials": TRIALS},
    )
    return folder, record


def _estimate_folder(root: Path) -> RunRecord:
    folder = root / "runs" / "alpha-estimate"
    folder.mkdir(parents=True)
    pd.DataFrame(
        {
            "cutoff": [0.0, 0.2, 0.4, 0.0],
            "tonnes": [1.0e9, 8.0e8, 4.0e8, 5.0e8],
            "grade": [0.40, 0.48, 0.62, 0.5],
            "metal_t": [4.0e6, 3.84e6, 2.48e6, 2.5e6],
            "category": [-1, -1, -1, 1],
            "class": ["all", "all", "all", "measured"],
        }
    ).to_csv(folder / "grade_tonnage.csv", index=False)
    path = folder / "grade_tonnage.csv"
    return RunRecord(
        kind="estimate",
        name="Alpha estimate",
        folder=str(folder),
        outputs=(OutputFile("grade_tonnage.csv", sha256_file(path), path.stat().st_size),),
        links={"deposit": "alpha"},
    )


@dataclass
class Dashboard:
    """A populated database and clients of the app over it."""

    url: str
    store: Store
    tract_id: str
    estimate_id: str
    trials: np.ndarray
    make: Callable[..., TestClient]

    def client(self, **settings: object) -> TestClient:
        return self.make(**settings)

    def signed_in(self, username: str, **settings: object) -> tuple[TestClient, str]:
        """A client signed in as ``username``, and its CSRF token."""
        client = self.make(**settings)
        response = client.post(
            "/api/login", json={"username": username, "password": PASSWORDS[username][1]}
        )
        assert response.status_code == 200, response.text
        return client, response.json()["csrf"]


def populate(url: str, root: Path) -> tuple[Store, str, str, np.ndarray]:
    store = Store(url)
    store.init()
    store.import_tables(deposits(), statements(), source="web test")
    folder, record = _run_folder(root)
    tract_id = store_run(record, store=store)
    estimate_id = store_run(_estimate_folder(root), store=store)
    for username, (role, password) in PASSWORDS.items():
        store.accounts.add(username, password, role)
    trials = pd.read_csv(folder / "totals.csv")["cu_t"].to_numpy()
    return store, tract_id, estimate_id, trials


@pytest.fixture
def dashboard(store_url: str, tmp_path: Path) -> Iterator[Dashboard]:
    """The dashboard over a populated database, on SQLite and on PostgreSQL."""
    store, tract_id, estimate_id, trials = populate(store_url, tmp_path)
    clients: list[TestClient] = []

    def make(**settings: object) -> TestClient:
        client = TestClient(create_app(WebSettings(db=store_url, **settings)))  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield Dashboard(store_url, store, tract_id, estimate_id, trials, make)
    for client in clients:
        client.close()
        client.app.state.bornite.store.close()  # type: ignore[attr-defined]
    store.close()
