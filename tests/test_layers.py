"""The layer rules of DESIGN.md, as tests: the core never pulls in the UI or the database."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    ["policybench", "policybench.mcda", "policybench.robustness", "policybench.catalog", "policybench.group"],
)
def test_core_stays_free_of_ui_and_database(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "bad = {'streamlit', 'sqlalchemy', 'altair', 'psycopg', 'pandas'} & set(sys.modules); "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
