"""The tables, and the schema's version history (created or upgraded when a store is opened).

Why not Alembic: the schema is a handful of tables; a list of numbered steps in code runs on
open with no separate command, no ``env.py``/``alembic.ini`` to ship inside the package, and
behaves the same on SQLite and PostgreSQL. The applied steps are recorded in
``policybench_schema`` (one row per version). A fresh database gets the current tables in one
step and is stamped with every version; an older one runs the steps it lacks, each in the
same transaction as its stamp, under a lock (``BEGIN IMMEDIATE`` on SQLite, an advisory lock
on PostgreSQL) so that several app servers starting at once upgrade it exactly once. A
database stamped with a version newer than this code knows is refused, never "downgraded".

To change the schema: edit the tables below (they are always the *current* schema) and
append a :class:`Migration` that takes a database at the previous version to the new one
(``ALTER TABLE ...``; the ``postgresql`` and ``sqlite`` dialects may need different SQL).

Text that is JSON (weights, parameters, overrides, reasons, id lists) is stored as TEXT that
policybench encodes and decodes itself, so both backends hold and return exactly the same
bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from policybench.store.db import Database, utcnow
from policybench.store.errors import ReadOnlyStoreError, SchemaTooNewError

NAME_MAX = 200
AUTHOR_MAX = 100
ID_MAX = 64
METHOD_MAX = 40
TITLE_MAX = 200
DISPLAY_NAME_MAX = 60
CODE_LENGTH = 13
STATES = ("open", "locked", "revealed", "closed")
#: Every criterion's scale in the catalog runs from 0 to 10 (docs/METHOD.md): the range a
#: challenged or adopted score must lie on.
SCORE_MIN = 0.0
SCORE_MAX = 10.0
DECISIONS = ("adopted", "rejected")
#: The outcome of the server's check of a challenge's quote against its source: found
#: verbatim; not found; found only loosely (a passage differing in quotes, dashes or case);
#: not checked (no quote, or the server has no source texts).
QUOTE_CHECKS = ("verified", "not_found", "near_match", "not_checked")
#: The group ranking's rule a workshop starts with (the facilitator may choose another).
DEFAULT_COMBINATION = "mean"

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Timestamp = sa.DateTime(timezone=True)

schema_version = sa.Table(
    "policybench_schema",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.String(200), nullable=False),
    sa.Column("applied_at", Timestamp, nullable=False),
)

profiles = sa.Table(
    "profiles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(NAME_MAX), nullable=False, unique=True),
    # The newest version; the row is locked (FOR UPDATE / BEGIN IMMEDIATE) while a version is
    # appended, so this is the one place writers queue.
    sa.Column("latest_version", sa.Integer, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("deleted_at", Timestamp, nullable=True),
    sa.Column("deleted_by", sa.String(AUTHOR_MAX), nullable=True),
    sa.CheckConstraint("latest_version >= 0", name="latest_version"),
)

profile_versions = sa.Table(
    "profile_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("profile_id", sa.ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("weights", sa.Text, nullable=False),
    sa.Column("method", sa.String(METHOD_MAX), nullable=False),
    sa.Column("params", sa.Text, nullable=False),
    sa.Column("overrides", sa.Text, nullable=True),
    sa.Column("author", sa.String(AUTHOR_MAX), nullable=True),
    sa.Column("catalog_fingerprint", sa.String(64), nullable=True),
    sa.Column("restored_from", sa.Integer, nullable=True),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.UniqueConstraint("profile_id", "version"),
    sa.CheckConstraint("version >= 1", name="version"),
)

workshops = sa.Table(
    "workshops",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(32), nullable=False, unique=True),
    sa.Column("title", sa.String(TITLE_MAX), nullable=False),
    sa.Column("options", sa.Text, nullable=False),
    sa.Column("criteria", sa.Text, nullable=False),
    sa.Column("passphrase_hash", sa.String(255), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("catalog_fingerprint", sa.String(64), nullable=True),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.Column("revealed_at", Timestamp, nullable=True),  # of the current round
    sa.Column("current_round", sa.Integer, nullable=False, server_default=sa.text("1")),
    # The rule combining participants into the group's ranking, one for every page and export
    # of the workshop (analysis.workshop.COMBINATIONS; checked by the store, not the schema, so
    # that a new rule needs no migration).
    sa.Column(
        "combination",
        sa.String(16),
        nullable=False,
        server_default=sa.text(f"'{DEFAULT_COMBINATION}'"),
    ),
    sa.CheckConstraint("state IN ('open', 'locked', 'revealed', 'closed')", name="state"),
    sa.CheckConstraint("current_round >= 1", name="current_round"),
)

participants = sa.Table(
    "workshop_participants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False),
    sa.Column("display_name", sa.String(DISPLAY_NAME_MAX), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("joined_at", Timestamp, nullable=False),
    sa.UniqueConstraint("workshop_id", "display_name"),
)

#: One row per participant and round: a participant's weights in round 2 never touch round 1's.
#: ``round`` has no default, so that code which does not know rounds cannot write one.
submissions = sa.Table(
    "workshop_submissions",
    metadata,
    sa.Column(
        "participant_id",
        sa.ForeignKey("workshop_participants.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Column("round", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("weights", sa.Text, nullable=False),
    sa.Column("reasons", sa.Text, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("submitted_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.CheckConstraint("round >= 1", name="round"),
    sa.CheckConstraint("revision >= 1", name="revision"),
)

rate_limits = sa.Table(
    "rate_limits",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("window_start", sa.Float, nullable=False),
    sa.Column("failures", sa.Integer, nullable=False),
)


settings = sa.Table(
    "policybench_settings",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(255), nullable=False),
)

#: A facilitator who signed in on a device (a browser, known by its ``pb_device`` cookie, of
#: which only the SHA-256 is kept), so that a reload there keeps them in their workshop until
#: ``expires_at``; signing out deletes the row.
facilitator_sessions = sa.Table(
    "facilitator_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False),
    sa.Column("device_hash", sa.String(64), nullable=False, index=True),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("expires_at", Timestamp, nullable=False),
    sa.UniqueConstraint("workshop_id", "device_hash"),
)

#: The devices a participant took part from, so that the join link opened again there leads
#: back to their own submission: the device's SHA-256, and their personal link's token
#: encrypted under a key derived from the device's cookie (which the store never holds).
participant_devices = sa.Table(
    "participant_devices",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "participant_id",
        sa.ForeignKey("workshop_participants.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("device_hash", sa.String(64), nullable=False, index=True),
    sa.Column("token_box", sa.String(255), nullable=False),
    sa.Column("last_used_at", Timestamp, nullable=False),
    sa.UniqueConstraint("participant_id", "device_hash"),
)


_ON_SCALE = f"BETWEEN {SCORE_MIN:g} AND {SCORE_MAX:g}"

#: A participant's challenge of one score (option × criterion) as it stood in one round: one
#: row per participant, option, criterion and round, rewritten in place when they revise it in
#: that round. A revision in a later round writes a new row, and withdrawing in a later round a
#: ``withdrawn`` marker (carrying the withdrawn proposal), so what the room saw at an earlier
#: reveal stays as it was; withdrawing in the round a row was written deletes that row.
challenges = sa.Table(
    "workshop_challenges",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "participant_id",
        sa.ForeignKey("workshop_participants.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("option", sa.String(ID_MAX), nullable=False),
    sa.Column("criterion", sa.String(ID_MAX), nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("low", sa.Float, nullable=True),
    sa.Column("high", sa.Float, nullable=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("quote", sa.Text, nullable=True),
    sa.Column("source", sa.String(ID_MAX), nullable=True),
    sa.Column("quote_check", sa.String(16), nullable=False),
    sa.Column("withdrawn", sa.Boolean, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.UniqueConstraint("participant_id", "option", "criterion", "round"),
    sa.CheckConstraint(f"value {_ON_SCALE}", name="value"),
    sa.CheckConstraint(f"low IS NULL OR (low {_ON_SCALE} AND low <= value)", name="low"),
    sa.CheckConstraint(f"high IS NULL OR (high {_ON_SCALE} AND high >= value)", name="high"),
    sa.CheckConstraint("round >= 1", name="round"),
    sa.CheckConstraint(
        "quote_check IN (" + ", ".join(f"'{c}'" for c in QUOTE_CHECKS) + ")", name="quote_check"
    ),
)

#: The facilitator's decision on one score for this workshop: adopted (with the value and
#: range the workshop's results then use) or rejected (no value); one row per workshop,
#: option and criterion, rewritten when they change their mind and deleted on undo.
score_decisions = sa.Table(
    "workshop_score_decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workshop_id", sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False),
    sa.Column("option", sa.String(ID_MAX), nullable=False),
    sa.Column("criterion", sa.String(ID_MAX), nullable=False),
    sa.Column("decision", sa.String(16), nullable=False),
    sa.Column("value", sa.Float, nullable=True),
    sa.Column("low", sa.Float, nullable=True),
    sa.Column("high", sa.Float, nullable=True),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("decided_at", Timestamp, nullable=False),
    sa.UniqueConstraint("workshop_id", "option", "criterion"),
    sa.CheckConstraint(
        "decision IN (" + ", ".join(f"'{d}'" for d in DECISIONS) + ")", name="decision"
    ),
    sa.CheckConstraint(
        "(decision = 'adopted' AND value IS NOT NULL AND low IS NOT NULL AND high IS NOT NULL"
        f" AND low {_ON_SCALE} AND high {_ON_SCALE} AND low <= value AND value <= high)"
        " OR (decision = 'rejected' AND value IS NULL AND low IS NULL AND high IS NULL)",
        name="value",
    ),
    sa.CheckConstraint("round >= 1", name="round"),
)


@dataclass(frozen=True)
class Migration:
    """One step: takes a database at ``version - 1`` to ``version``."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _v1(connection: Connection) -> None:  # pragma: no cover - a fresh database uses create_all
    metadata.create_all(connection)


def _v2(connection: Connection) -> None:
    # The rate-limit rows held unsalted hashes of client addresses, which a laptop reverses for
    # all of IPv4 in under an hour; they are transient, so they go, and keys from now on are
    # HMACs under the install's secret, kept in the new settings table.
    settings.create(connection, checkfirst=True)
    connection.execute(sa.delete(rate_limits))


def _v3(connection: Connection) -> None:
    # New tables only (no ALTER): a reload keeps a facilitator signed in on their device, and
    # the join link reopened on a participant's device leads back to their own submission.
    facilitator_sessions.create(connection, checkfirst=True)
    participant_devices.create(connection, checkfirst=True)


def _v4(connection: Connection) -> None:
    # Rounds, score challenges and the facilitator's decisions. The same SQL on both backends.
    # A workshop is in round 1 until the facilitator opens another; its state and revealed_at
    # are those of the current round.
    connection.execute(
        sa.text(
            "ALTER TABLE workshops ADD COLUMN current_round INTEGER DEFAULT 1 NOT NULL "
            "CONSTRAINT ck_workshops_current_round CHECK (current_round >= 1)"
        )
    )
    connection.execute(
        sa.text(
            "ALTER TABLE workshops ADD COLUMN combination VARCHAR(16) "
            f"DEFAULT '{DEFAULT_COMBINATION}' NOT NULL"
        )
    )
    _rebuild_submissions(connection)
    challenges.create(connection)
    score_decisions.create(connection)


def _rebuild_submissions(connection: Connection) -> None:
    """The submissions table rebuilt under its own name, keyed (participant, round), with
    every existing submission copied as round 1.

    Rebuilt rather than replaced by a table of another name: whatever reads the table by its
    name (an operator's SQL, a report, the fault tests) keeps working, and an upgraded
    database ends up with exactly the table a fresh one has (the tests compare the two). A
    server still running version-3 code against it fails loudly rather than writing into the
    wrong round: its inserts name no ``round``, which has no default. Adding ``round`` in
    place is not an option: SQLite cannot change a table's primary key.
    """
    old = "workshop_submissions_v3"
    connection.execute(sa.text(f"ALTER TABLE {submissions.name} RENAME TO {old}"))
    if connection.dialect.name == "postgresql":
        # The primary key's index keeps its name through the rename, and index names are
        # unique within a schema: free the name for the new table's key.
        key = sa.inspect(connection).get_pk_constraint(old).get("name")
        if key:
            connection.execute(
                sa.text(f'ALTER TABLE {old} RENAME CONSTRAINT "{key}" TO {old}_pkey')
            )
    submissions.create(connection)
    columns = "weights, reasons, revision, submitted_at, updated_at"
    connection.execute(
        sa.text(
            f"INSERT INTO {submissions.name} (participant_id, round, {columns}) "
            f"SELECT participant_id, 1, {columns} FROM {old}"
        )
    )
    connection.execute(sa.text(f"DROP TABLE {old}"))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "profiles with immutable versions; workshops, participants, submissions; rate limits",
        _v1,
    ),
    Migration(2, "settings (the install's secret); rate-limit keys as HMACs", _v2),
    Migration(3, "facilitator sessions and participant devices (a reload keeps your place)", _v3),
    Migration(
        4,
        "rounds; submissions per round; score challenges per round and decisions; "
        "the group ranking's rule",
        _v4,
    ),
)

_PG_LOCK_KEY = 0x706F6C6963  # "polic": serialises schema upgrades across app servers


def current_version(connection: Connection) -> int:
    """The highest applied version, 0 for an empty database."""
    if not sa.inspect(connection).has_table(schema_version.name):
        return 0
    value = connection.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()
    return int(value or 0)


def migrate(
    db: Database, migrations: Sequence[Migration] = MIGRATIONS, *, tables: sa.MetaData = metadata
) -> int:
    """Create or upgrade the schema; return the version the database is at afterwards."""
    latest = max(m.version for m in migrations)
    now = db.run(current_version, write=False, action="open the store")
    _refuse_newer(db, now, latest)
    if now == latest:
        return now
    if db.read_only:
        raise ReadOnlyStoreError(
            f"could not open the store: {db.display} is read-only and its schema needs "
            f"{'creating' if now == 0 else 'an upgrade'} (version {now} → {latest}); "
            "open it writable once"
        )

    def upgrade(connection: Connection) -> int:
        if db.dialect == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
        at = current_version(connection)  # again, under the lock: another server may have done it
        _refuse_newer(db, at, latest)
        if at == 0:
            tables.create_all(connection)
            for m in sorted(migrations, key=lambda m: m.version):
                connection.execute(
                    schema_version.insert().values(
                        version=m.version, description=m.description, applied_at=utcnow()
                    )
                )
            return latest
        for m in sorted(migrations, key=lambda m: m.version):
            if m.version > at:
                m.apply(connection)
                connection.execute(
                    schema_version.insert().values(
                        version=m.version, description=m.description, applied_at=utcnow()
                    )
                )
        return latest

    return db.run(
        upgrade, write=True, action="create or upgrade the store's schema", retry_unique=True
    )


def _refuse_newer(db: Database, found: int, latest: int) -> None:
    if found > latest:
        raise SchemaTooNewError(
            f"the store at {db.display} has schema version {found}, newer than this policybench "
            f"understands ({latest}); upgrade policybench, or point --db / "
            "POLICYBENCH_DATABASE_URL elsewhere"
        )
