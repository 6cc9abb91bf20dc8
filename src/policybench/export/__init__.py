"""Exports: tables, charts and files stamped with their provenance.

:mod:`policybench.export.charts` holds the pure Altair chart builders the app draws and the
PNG/SVG writers save. Submodules are imported where they are used, so that
``import policybench.export`` stays light.
"""

from __future__ import annotations
