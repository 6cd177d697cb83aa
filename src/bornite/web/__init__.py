"""The web dashboard: the inventory, its maps and every stored run, in a browser.

:func:`create_app` builds a FastAPI application over one database (the pages in
``templates/``, their scripts and styles in ``static/``, Plotly.js from the installed
``plotly`` package, so nothing is loaded from the internet); :func:`serve` runs it with
uvicorn on 127.0.0.1 unless told otherwise. The dashboard holds no science: it reads the
store and calls workflows. Needs the ``web`` extra.
"""

from bornite.web.app import DEFAULT_HOST, DEFAULT_PORT, create_app, plotly_js, serve
from bornite.web.settings import WebSettings

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "WebSettings", "create_app", "plotly_js", "serve"]
