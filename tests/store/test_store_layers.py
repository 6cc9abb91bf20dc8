"""The store's place in the layers (STYLE.md): it uses SQLAlchemy and the catalog, never the
UI, and importing the core never pulls it in."""

from __future__ import annotations

import subprocess
import sys


def test_the_store_does_not_import_the_ui() -> None:
    code = (
        "import sys, policybench.store, policybench.store.profile_io, policybench.cli.profiles; "
        "bad = {'streamlit', 'altair', 'pandas'} & set(sys.modules); assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_importing_policybench_does_not_open_the_database_layer() -> None:
    code = "import sys, policybench; assert 'policybench.store' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
