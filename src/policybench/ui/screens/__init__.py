"""One module per page, registered explicitly with ``st.Page`` in :mod:`policybench.ui.app`.

Not called ``pages/``: Streamlit (1.67 as of writing) decides once per process whether the
entry script has a ``pages/`` folder beside it, and if so runs every request through its old
multipage mode, which runs the page file a URL names directly and never runs ``app.py`` (its
page set-up, catalog check and session state) until someone opens the landing page.
``tests/ui/test_app.py`` keeps the folder from being renamed by accident.
"""
