"""policybench: multi-criteria decision analysis with the evidence in view.

``import policybench`` is nearly free: ``policybench.mcda``, ``policybench.robustness`` and
``__version__`` load on first use (PEP 562), so a command that needs none of them, such as
``policybench serve`` handing over to Streamlit, does not pay for numpy and package metadata
before it starts. The app, the store and the exporters are imported where they are used.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["__version__", "mcda", "robustness"]

_SUBMODULES = frozenset({"mcda", "robustness"})


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("policybench")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _version()
    elif name in _SUBMODULES:
        value = importlib.import_module(f"policybench.{name}")
    else:
        raise AttributeError(f"module 'policybench' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
