"""The store's tables as schema version 3 left them, frozen, for the upgrade tests.

``policybench.store.schema`` always describes the *current* schema, so a database "as an
older policybench wrote it" has to be built from a copy that never changes: this one. Version 1
is this without the settings table and the two device tables, version 2 without the device
tables (versions 2 and 3 only added tables). Do not edit it to follow the schema: a test that
needs a newer old version adds a module of its own.
"""

from __future__ import annotations

import sqlalchemy as sa

from policybench.store import schema

#: The tables each old version lacks (relative to version 3).
MISSING = {
    1: {"policybench_settings", "facilitator_sessions", "participant_devices"},
    2: {"facilitator_sessions", "participant_devices"},
    3: set(),
}


def metadata(version: int = 3) -> sa.MetaData:
    """The tables of schema ``version`` (1, 2 or 3), with the constraint names it used."""
    md = sa.MetaData(naming_convention=schema.metadata.naming_convention)
    ts = sa.DateTime(timezone=True)
    tables = [
        sa.Table(
            "policybench_schema",
            md,
            sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("description", sa.String(200), nullable=False),
            sa.Column("applied_at", ts, nullable=False),
        ),
        sa.Table(
            "profiles",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(200), nullable=False, unique=True),
            sa.Column("latest_version", sa.Integer, nullable=False),
            sa.Column("created_at", ts, nullable=False),
            sa.Column("deleted_at", ts, nullable=True),
            sa.Column("deleted_by", sa.String(100), nullable=True),
            sa.CheckConstraint("latest_version >= 0", name="latest_version"),
        ),
        sa.Table(
            "profile_versions",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column(
                "profile_id", sa.ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False
            ),
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("description", sa.Text, nullable=False),
            sa.Column("weights", sa.Text, nullable=False),
            sa.Column("method", sa.String(40), nullable=False),
            sa.Column("params", sa.Text, nullable=False),
            sa.Column("overrides", sa.Text, nullable=True),
            sa.Column("author", sa.String(100), nullable=True),
            sa.Column("catalog_fingerprint", sa.String(64), nullable=True),
            sa.Column("restored_from", sa.Integer, nullable=True),
            sa.Column("created_at", ts, nullable=False),
            sa.UniqueConstraint("profile_id", "version"),
            sa.CheckConstraint("version >= 1", name="version"),
        ),
        sa.Table(
            "workshops",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("code", sa.String(32), nullable=False, unique=True),
            sa.Column("title", sa.String(200), nullable=False),
            sa.Column("options", sa.Text, nullable=False),
            sa.Column("criteria", sa.Text, nullable=False),
            sa.Column("passphrase_hash", sa.String(255), nullable=False),
            sa.Column("state", sa.String(16), nullable=False),
            sa.Column("catalog_fingerprint", sa.String(64), nullable=True),
            sa.Column("created_at", ts, nullable=False),
            sa.Column("updated_at", ts, nullable=False),
            sa.Column("revealed_at", ts, nullable=True),
            sa.CheckConstraint("state IN ('open', 'locked', 'revealed', 'closed')", name="state"),
        ),
        sa.Table(
            "workshop_participants",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column(
                "workshop_id", sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False
            ),
            sa.Column("display_name", sa.String(60), nullable=False),
            sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
            sa.Column("joined_at", ts, nullable=False),
            sa.UniqueConstraint("workshop_id", "display_name"),
        ),
        sa.Table(
            "workshop_submissions",
            md,
            sa.Column(
                "participant_id",
                sa.ForeignKey("workshop_participants.id", ondelete="CASCADE"),
                primary_key=True,
                autoincrement=False,
            ),
            sa.Column("weights", sa.Text, nullable=False),
            sa.Column("reasons", sa.Text, nullable=False),
            sa.Column("revision", sa.Integer, nullable=False),
            sa.Column("submitted_at", ts, nullable=False),
            sa.Column("updated_at", ts, nullable=False),
        ),
        sa.Table(
            "rate_limits",
            md,
            sa.Column("key", sa.String(255), primary_key=True),
            sa.Column("window_start", sa.Float, nullable=False),
            sa.Column("failures", sa.Integer, nullable=False),
        ),
        sa.Table(
            "policybench_settings",
            md,
            sa.Column("key", sa.String(64), primary_key=True),
            sa.Column("value", sa.String(255), nullable=False),
        ),
        sa.Table(
            "facilitator_sessions",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column(
                "workshop_id", sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False
            ),
            sa.Column("device_hash", sa.String(64), nullable=False, index=True),
            sa.Column("created_at", ts, nullable=False),
            sa.Column("expires_at", ts, nullable=False),
            sa.UniqueConstraint("workshop_id", "device_hash"),
        ),
        sa.Table(
            "participant_devices",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column(
                "participant_id",
                sa.ForeignKey("workshop_participants.id", ondelete="CASCADE"),
                nullable=False,
            ),
            sa.Column("device_hash", sa.String(64), nullable=False, index=True),
            sa.Column("token_box", sa.String(255), nullable=False),
            sa.Column("last_used_at", ts, nullable=False),
            sa.UniqueConstraint("participant_id", "device_hash"),
        ),
    ]
    for table in tables:
        if table.name in MISSING[version]:
            md.remove(table)
    return md
