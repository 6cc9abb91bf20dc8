"""One module per page, registered explicitly with ``st.Page`` in :mod:`policybench.ui.app`.

Not called ``pages/``: Streamlit treats a ``pages/`` folder beside the entry script as an
old-style multipage app and runs its files directly when a URL names them, bypassing
``app.py`` (its page config, catalog check and state set-up).
"""
