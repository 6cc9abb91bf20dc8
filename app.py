"""Lets `streamlit run app.py` work from a checkout; the app lives in policybench.ui."""
from policybench.ui.app import main  # noqa: E402

main()
