"""The Streamlit app: ``policybench serve`` runs :mod:`policybench.ui.app`.

Pages (``screens/``) read widgets, call the core (catalog, mcda, robustness, through
:mod:`policybench.views`) and draw charts built by :mod:`policybench.export.charts`;
:mod:`policybench.ui.state` owns session state, the URL and the caches.
"""
