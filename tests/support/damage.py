"""A store file damaged the way a bad restore or a hand edit leaves one, for the tests of what
the store says when it cannot do what was asked."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def lose_table(path: Path, table: str) -> None:
    """Rename ``table`` away in the SQLite file at ``path``, as if it had been lost."""
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        raw.execute(f"ALTER TABLE {table} RENAME TO {table}_lost")
    finally:
        raw.close()
