"""Debian's chromium for Playwright (its own browser download is not possible here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def launch_args() -> dict[str, Any]:
    """pytest-playwright's ``browser_type_launch_args``: Debian's chromium, quiet and offline."""
    return {"executable_path": str(CHROMIUM), "args": list(ARGS)}
