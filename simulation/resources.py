"""Where the project's shipped files are: in the checkout, or beside the installed package.

Run from a checkout, the default city is ``data/`` and the presets ``scenarios/`` at the repository's root. A
wheel (``pip install .``, see ``pyproject.toml``) carries copies of both under ``simulation/shipped/``, so that an
installed ``simulation`` (a Dask worker's, say) builds the same worlds from the same files.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SHIPPED = PACKAGE / "shipped"
"""The copies a wheel installs (absent in a checkout)."""
CHECKOUT = PACKAGE.parent


def shipped(folder: str) -> Path:
    """Return a shipped folder ("data" or "scenarios"): the installed copy if there is one, else the checkout's."""
    installed = SHIPPED / folder
    return installed if installed.is_dir() else CHECKOUT / folder
