"""The app as an ASGI application: Streamlit's server with policybench's HTTP layer in front.

``policybench serve`` runs ``streamlit run`` on this file (:mod:`policybench.ui.launch`);
Streamlit finds the ``st.App`` below and serves the app's script (``app.py`` beside it)
through uvicorn with :class:`policybench.ui.http.HttpLayer` around its routes: security
headers, ``/_stcore/metrics`` closed, and the device cookie the workshop pages use.
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from policybench.ui.http import HttpLayer

APP = Path(__file__).resolve().parent / "app.py"

app = st.App(APP, middleware=[Middleware(HttpLayer)])
