"""policybench.ui.app: the page registry."""

from __future__ import annotations

from pathlib import Path

from policybench.ui import app


def test_pages_are_registered_from_a_folder_streamlit_does_not_run_by_itself() -> None:
    """A ``pages/`` folder beside the entry script switches Streamlit to its old multipage
    mode, which runs page files without ``app.py`` (see ``ui/screens/__init__.py``)."""
    entry = Path(app.__file__).resolve().parent
    assert not (entry / "pages").exists()
    assert app.PAGES_DIR.name == "screens"
    assert all((app.PAGES_DIR / file).is_file() for file, _, _ in app.PAGES)
