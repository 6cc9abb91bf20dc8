"""A store's SQLite file handled from outside the store, for the tests of what the store does
then: a table lost (a bad restore, a hand edit), a write held open by another connection."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path


def lose_table(path: Path, table: str) -> None:
    """Rename ``table`` away in the SQLite file at ``path``, as if it had been lost."""
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        raw.execute(f"ALTER TABLE {table} RENAME TO {table}_lost")
    finally:
        raw.close()


def finishes_beside_a_writer(path: Path, work: Callable[[], None], wait: float) -> bool:
    """Whether ``work``, run in a thread, finishes within ``wait`` seconds while another
    connection holds SQLite's write lock on ``path`` (someone else's write in progress). The
    lock is released either way, and the thread given ``wait`` more seconds to end."""
    writer = sqlite3.connect(path, isolation_level=None)
    running = threading.Thread(target=work, daemon=True)
    try:
        writer.execute("BEGIN IMMEDIATE")
        running.start()
        running.join(wait)
        finished = not running.is_alive()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    running.join(wait)
    return finished


def rival_write(path: Path, sql: str, params: tuple[object, ...] = ()) -> str:
    """Another connection's write to ``path``, refused at once if it would have to wait:
    ``"committed"``, or SQLite's refusal ("database is locked")."""
    rival = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        rival.execute("BEGIN IMMEDIATE")
        rival.execute(sql, params)
        rival.execute("COMMIT")
        return "committed"
    except sqlite3.OperationalError as exc:
        return str(exc)
    finally:
        rival.close()
