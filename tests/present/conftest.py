"""Fixtures for the present tests: the tiny catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from policybench import catalog

HAWK = {"feasibility": 1.0, "deterrence": 6.0, "backlash": 1.0}
EQUAL = {"feasibility": 1.0, "deterrence": 1.0, "backlash": 1.0}


@pytest.fixture(scope="module")
def cat() -> catalog.Catalog:
    return catalog.load(Path(__file__).resolve().parents[1] / "fixtures" / "catalog")
