"""The policybench app: page registration and the global set-up, nothing else.

Run with ``policybench serve`` (or ``streamlit run src/policybench/ui/app.py``). Each page
lives in ``screens/`` and is registered here with ``st.Page``; a catalog that fails to load
replaces the navigation with a page listing its problems.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from policybench.present.text import streamlit_markdown
from policybench.ui import state
from policybench.ui.components import errors, footer, profiles_panel

PAGES_DIR = Path(__file__).resolve().parent / "screens"

#: (file, title, url path); the first is the landing page.
PAGES = (
    ("rank.py", "Rank", "rank"),
    ("map.py", "Map", "map"),
    ("evidence.py", "Evidence", "evidence"),
    ("compare.py", "Compare", "compare"),
    ("robustness.py", "Robustness", "robustness"),
    ("criteria.py", "Criteria", "criteria"),
    ("workshop.py", "Workshop", "workshop"),
    ("facilitate.py", "Facilitate", "facilitate"),
    ("glossary.py", "Glossary", "glossary"),
)


#: Pages with their own weights (a participant's submission), where saved profiles do not apply.
WORKSHOP_PAGES = frozenset({"workshop", "facilitate"})


def pages() -> dict[str, st.Page]:
    """The app's pages by url path, the landing page first."""
    return {
        slug: st.Page(PAGES_DIR / file, title=title, url_path=slug, default=(i == 0))
        for i, (file, title, slug) in enumerate(PAGES)
    }


def _open_linked_page(by_slug: dict[str, st.Page], current: st.Page) -> None:
    """Honour ``?page=<slug>`` (e.g. from a shared link): switch once, then drop it."""
    wanted = st.query_params.get("page")
    if wanted is None:
        return
    del st.query_params["page"]
    target = by_slug.get(wanted)
    if target is None:
        st.session_state.setdefault(state.LINK_NOTES, []).append(
            f"page: unknown “{wanted}”; the pages are {', '.join(by_slug)}"
        )
        return
    if target.url_path != current.url_path:
        st.switch_page(target, query_params=dict(st.query_params))


def _show_link_notes() -> None:
    notes = st.session_state.get(state.LINK_NOTES) or []
    if notes:
        lines = "\n".join(f"- {streamlit_markdown(n)}" for n in notes)
        st.warning("Some settings in the link could not be used, so they were ignored:\n\n" + lines)
        st.session_state[state.LINK_NOTES] = []


def main() -> None:
    """Draw the app once (Streamlit reruns this on every interaction)."""
    st.set_page_config(page_title="policybench", layout="wide", initial_sidebar_state="auto")
    loaded = state.load_catalog()
    if loaded.catalog is None:
        st.navigation(
            [
                st.Page(
                    lambda: errors.catalog_error_page(loaded.root, loaded.problems),
                    title="Catalog problems",
                    url_path="problems",
                )
            ],
            position="hidden",
        ).run()
        footer.show(None)
        return
    catalog = loaded.catalog
    state.init(catalog)
    by_slug = pages()
    page = st.navigation(list(by_slug.values()), position="sidebar")
    _open_linked_page(by_slug, page)
    _show_link_notes()
    try:
        page.run()
    except Exception as exc:  # a page's own guard failed; Streamlit's signals are BaseException
        errors.show_exception(exc, f"page {page.title}")
    if page.url_path not in WORKSHOP_PAGES:
        profiles_panel.show(catalog)
    footer.show(catalog)


if __name__ == "__main__":
    main()
