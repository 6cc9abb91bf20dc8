"""The Streamlit app: ``policybench serve`` runs :mod:`policybench.ui.app`.

Pages (``screens/``) read widgets, call :mod:`policybench.analysis` and draw what
:mod:`policybench.present` builds; :mod:`policybench.ui.state` owns session state, the URL and
the caches; ``components/`` are reusable widgets, each owning its keys;
:mod:`policybench.ui.launch` starts the server.
"""
