"""Start the dashboard: ``dibsim view [RESULTS_DIR]`` serves :mod:`experiments.view.app` with
Streamlit on 127.0.0.1 (its front end ships inside the ``streamlit`` package, so no network
is needed), usage statistics off, and prints the address.

This module imports Streamlit only inside :func:`serve`, so ``dibsim`` works without the
``view`` extra until ``dibsim view`` is run.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

#: The Streamlit script of the dashboard.
APP = Path(__file__).with_name("app.py")
#: Where the server listens: this machine only.
ADDRESS = "127.0.0.1"
DEFAULT_PORT = 8501
#: Streamlit's settings for a local, offline, quiet server (no usage statistics, no browser
#: opened, no file watching, no tracebacks shown in the page).
SERVER_OPTIONS: dict[str, str] = {
    "server.headless": "true",
    "server.address": ADDRESS,
    "browser.serverAddress": ADDRESS,
    "browser.gatherUsageStats": "false",
    "server.fileWatcherType": "none",
    "server.runOnSave": "false",
    "global.developmentMode": "false",
    "client.showErrorDetails": "none",
    "client.toolbarMode": "viewer",
    "theme.base": "light",
}
#: The one line shown when the extra is missing.
MISSING_EXTRA = "the dashboard needs the optional extra 'view': pip install 'dibsim[view]' (or make view)"


def streamlit_args(port: int) -> list[str]:
    """The ``streamlit run`` arguments of the dashboard on ``port``."""
    return ["run", str(APP), f"--server.port={port}", *(f"--{k}={v}" for k, v in SERVER_OPTIONS.items())]


def check_results_dir(results_dir: str | None) -> str | None:
    """The absolute RESULTS_DIR, checked to be a folder.

    Raises:
        UserError: when it is not a folder.
    """
    from ..errors import UserError

    if results_dir is None:
        return None
    path = Path(results_dir).expanduser()
    if not path.is_dir():
        raise UserError(f"RESULTS_DIR '{results_dir}' is not a folder")
    return str(path.resolve())


def serve(results_dir: str | None, port: int = DEFAULT_PORT, scenario: str | None = None) -> int:
    """Serve the dashboard until interrupted; returns the exit code.

    Raises:
        UserError: when the ``view`` extra is missing or RESULTS_DIR is not a folder.
    """
    from ..errors import UserError

    if importlib.util.find_spec("streamlit") is None:
        raise UserError(MISSING_EXTRA)
    if not 1 <= port <= 65535:
        raise UserError(f"--port: must be 1–65535 (got {port})")
    folder = check_results_dir(results_dir)
    if folder:
        os.environ["DIBSIM_VIEW_RESULTS"] = folder
        os.environ["DIBSIM_VIEW_PAGE"] = "Compare"
    if scenario:
        from ...model.loader import load_scenario

        load_scenario(scenario)  # a scenario that does not validate stops here, one line each
        os.environ["DIBSIM_VIEW_SCENARIO"] = str(Path(scenario).resolve()) if Path(scenario).is_file() else scenario
    os.environ["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    from streamlit.web import cli as streamlit_cli

    print(f"dibsim view: serving on http://{ADDRESS}:{port} (Ctrl-C stops it)", flush=True)
    try:
        streamlit_cli.main(streamlit_args(port), prog_name="streamlit")
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0
