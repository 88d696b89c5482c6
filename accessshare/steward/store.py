"""StewardStore: the steward's database (a SQLite file or PostgreSQL), its migrations, its
transactions and locks, fast bulk writes, and the steward's own hash-chained log.

Engines are made by the records layer (SQLite in WAL mode with ``BEGIN IMMEDIATE``, so one
writer at a time; PostgreSQL at READ COMMITTED). On PostgreSQL, transaction-scoped advisory
locks serialise the work on one contributor and each append to the steward's log, so two
imports at once neither fork a contributor's held history nor the log.
"""

from __future__ import annotations

import getpass
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from accessshare.records.chain import event_hash, utc_timestamp
from accessshare.records.store import (RecordsUnavailable, _make_engine, _plain_rows,
                                       shown_address)
from accessshare.steward.schema import HEAD_REVISION, LOG_COLUMNS, VERSION_TABLE

LOCK_SPACE = 0x5354  # "ST": the first key of the steward's advisory locks
LOG_LOCK = 0  # the second key that serialises appends to the steward's log
CONTRIBUTOR_LOCK_SPACE = LOCK_SPACE + 1  # with hashtext(pseudonym) as the second key
MIGRATION_LOCK = 1
STORE_ENV = "ACCESSSHARE_STEWARD_DB"


class StewardProblem(RuntimeError):
    """The steward's store cannot be used, or an input cannot; ``str()`` is one sentence."""


class StoreWriteProblem(StewardProblem):
    """The database refused a transaction (nothing of it was kept); ``reason`` is its words."""

    def __init__(self, reason: str):
        super().__init__(f"Nothing was saved: the steward's store could not be written "
                         f"({reason}).")
        self.reason = reason


def store_url(given: str) -> str:
    """An SQLAlchemy URL from what the steward typed: a URL as it is, a path as SQLite."""
    given = given.strip()
    if not given:
        raise StewardProblem("No steward's store was given: name a SQLite file or a "
                             "PostgreSQL address.")
    if "://" in given:
        return given
    return f"sqlite:///{Path(given).expanduser().resolve()}"


@dataclass(frozen=True)
class LogEntry:
    seq: int
    kind: str
    time: str
    actor: str
    detail: dict[str, Any]
    hash: str


class StewardStore:
    """The steward's store at ``url``, created or upgraded to the newest schema on opening.

    Raises ``StewardProblem`` when the database cannot be opened or written."""

    def __init__(self, url: str):
        self.url = store_url(url)
        self.shown_url = shown_address(self.url)
        try:
            self.engine = _make_engine(self.url)
        except RecordsUnavailable as problem:
            reason = str(problem.__cause__ or problem).rstrip(".")
            raise StewardProblem(f"The steward's store address {self.shown_url!r} cannot be "
                                 f"used: {reason}.") from None
        try:
            self._upgrade()
        except DBAPIError as problem:
            self.engine.dispose()
            raise StewardProblem(f"Cannot open the steward's store at {self.shown_url}: "
                                 f"{_reason(problem)}.") from None
        self.actor = _steward_name()

    def __enter__(self) -> "StewardStore":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # --- transactions and locks ------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction; a database error becomes a sentence, and nothing of it is kept."""
        try:
            with self.engine.begin() as connection:
                yield connection
        except DBAPIError as problem:
            raise StoreWriteProblem(_reason(problem)) from None

    def lock_contributor(self, connection: Connection, pseudonym: str) -> None:
        """Until the transaction ends, no other import touches this contributor. (SQLite's
        ``BEGIN IMMEDIATE`` already lets only one writer in.)"""
        if self.dialect == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:name))"),
                               {"space": CONTRIBUTOR_LOCK_SPACE, "name": pseudonym})

    def _upgrade(self) -> None:
        """Migrate to the newest schema; a store already there costs one query, and Alembic
        is loaded only when there is work for it. Two first runs at once wait for each other."""
        with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"),
                                   {"space": LOCK_SPACE, "key": MIGRATION_LOCK})
            if _current_revision(connection) == HEAD_REVISION:
                return
            from alembic import command
            from alembic.config import Config
            from alembic.util import CommandError

            config = Config()
            config.set_main_option("script_location",
                                   str(resources.files("accessshare.steward") / "migrations"))
            config.attributes["connection"] = connection
            try:
                command.upgrade(config, "head")
            except CommandError:
                raise StewardProblem(f"The steward's store at {self.shown_url} was written by a "
                                     "newer AccessShare; update the app to open it.") from None

    def tidy(self) -> None:
        """After many rows were written on PostgreSQL: mark the current state's pages all
        visible and refresh the planner's statistics, so that ``allowed`` reads its index
        alone (an index-only scan) instead of every row. A failure costs only speed."""
        if self.dialect != "postgresql":
            return
        try:
            with self.engine.connect() as connection:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
                connection.execute(text("VACUUM (ANALYZE) steward_current"))
                connection.execute(text("ANALYZE steward_changes"))
        except DBAPIError:
            pass

    # --- bulk reads and writes -------------------------------------------------------------

    def plain_rows(self, connection: Connection, query: str, values: dict[str, Any]
                   ) -> list[tuple]:
        """The rows of ``query`` (with ``:name`` parameters) as the driver gives them: tuples,
        without SQLAlchemy's Row objects, which cost more than the query for the hundred
        thousand photos of ``allowed``."""
        if connection.dialect.paramstyle == "pyformat":  # psycopg: %(name)s
            query = re.sub(r":(\w+)", r"%(\1)s", query)
        return _plain_rows(connection, query, values)


    def insert_rows(self, connection: Connection, table: str, columns: Sequence[str],
                    rows: Sequence[Sequence[Any]]) -> None:
        """Insert many rows at once: COPY on PostgreSQL (ten times an INSERT per row), one
        executemany on SQLite."""
        if not rows:
            return
        names = ", ".join(columns)
        driver = connection.connection.driver_connection
        try:
            if self.dialect == "postgresql":
                with driver.cursor() as cursor:
                    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                return
            marks = ", ".join("?" for _ in columns)
            cursor = driver.cursor()
            try:
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            finally:
                cursor.close()
        except connection.dialect.loaded_dbapi.Error as problem:  # the driver's own, unwrapped
            raise StoreWriteProblem(str(problem).strip().splitlines()[0].rstrip(".")) from None

    # --- the steward's own log -------------------------------------------------------------

    def append_log(self, connection: Connection, kind: str, detail: dict[str, Any]) -> LogEntry:
        """Add one entry to the steward's log, in the caller's transaction (so it is kept
        exactly when what it records is). Takes the log's lock last and briefly: two imports
        at once each hold their contributor's lock first, so they cannot wait on each other."""
        if self.dialect == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"),
                               {"space": LOCK_SPACE, "key": LOG_LOCK})
        last = connection.execute(text("SELECT seq, hash FROM steward_log_head WHERE id = 1")
                                  ).one()
        fields = {"seq": last.seq + 1, "kind": kind, "time": utc_timestamp(),
                  "actor": self.actor, "detail": canonical_detail(detail),
                  "prev_hash": last.hash}
        fields["hash"] = event_hash(fields)
        connection.execute(text(f"INSERT INTO steward_log ({', '.join(LOG_COLUMNS)}) VALUES "
                                f"({', '.join(':' + name for name in LOG_COLUMNS)})"), fields)
        connection.execute(text("UPDATE steward_log_head SET seq = :seq, hash = :hash "
                                "WHERE id = 1"), fields)
        return LogEntry(fields["seq"], kind, fields["time"], self.actor, detail, fields["hash"])

    def record(self, kind: str, detail: dict[str, Any]) -> LogEntry:
        """Append one entry in a transaction of its own (a refusal, a pin, a query)."""
        with self.transaction() as connection:
            return self.append_log(connection, kind, detail)

    def log_entries(self, after_seq: int = 0, batch: int = 5000) -> Iterator[dict[str, Any]]:
        """The steward's log in order, as stored (for verification and for reading)."""
        query = text(f"SELECT {', '.join(LOG_COLUMNS)} FROM steward_log WHERE seq > :after "
                     "ORDER BY seq LIMIT :batch")
        while True:
            with self.engine.connect() as connection:
                rows = connection.execute(query, {"after": after_seq, "batch": batch}).all()
            if not rows:
                return
            for row in rows:
                yield dict(zip(LOG_COLUMNS, row))
            after_seq = rows[-1][0]

    def log_head(self) -> tuple[int, str]:
        with self.engine.connect() as connection:
            row = connection.execute(text("SELECT seq, hash FROM steward_log_head WHERE id = 1")
                                     ).one()
        return row.seq, row.hash


def canonical_detail(detail: dict[str, Any]) -> str:
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _current_revision(connection: Connection) -> str | None:
    """The schema's revision, or None for a database without the steward's tables. (A
    failed query would end a PostgreSQL transaction, so the table is looked up first.)"""
    from sqlalchemy import inspect

    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def _steward_name() -> str:
    """Who the log says acted: the account running the command (the steward's own log)."""
    try:
        return getpass.getuser()[:64] or "steward"
    except (KeyError, OSError):
        return "steward"


def _reason(problem: DBAPIError) -> str:
    return str(getattr(problem, "orig", problem)).strip().splitlines()[0].rstrip(".")

