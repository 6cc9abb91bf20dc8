"""policybench: multi-criteria decision analysis with the evidence in view.

``import policybench`` stays light: it loads the numpy engine only. The app, the store and
the exporters are imported where they are used.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("policybench")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

from policybench import mcda, robustness

__all__ = ["__version__", "mcda", "robustness"]
