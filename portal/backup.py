"""Backups of the database and the private storage, and restores that prove themselves.

A backup is a folder:

- `database.dump` (PostgreSQL, `pg_dump` custom format) or `database.sqlite3`;
- `private/`, a copy of the private storage (uploads, licenses, documents, reports);
- `manifest.json`: the row count of every table, taken in the same snapshot as the dump,
  the size and SHA-256 of every file, and the ids of the key-encryption keys (KEK) that
  wrap the seal keys in the database.

The KEK itself is never in a backup: it lives in the secret store, and a restore needs the
same KEK beside it (docs/operations.md). A restore goes into an empty database and an empty
folder only, then counts every table and hashes every file again and compares them with the
manifest; any difference is an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg2
from django.apps import apps
from django.conf import settings
from django.db import connection

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
FILES = "private"


class BackupError(Exception):
    """A backup or restore that cannot be trusted; the message says why."""


@dataclass
class Target:
    """Where a database and its private files live: the settings', or another pair."""

    database: dict
    storage_dir: Path

    @classmethod
    def from_settings(cls) -> Target:
        options = settings.STORAGES["default"]
        if options["BACKEND"] != "django.core.files.storage.FileSystemStorage":
            raise BackupError(
                "The private storage is an object store: back it up with the bucket's own versioning "
                "and replication (docs/operations.md); this command copies a folder."
            )
        return cls(database=dict(connection.settings_dict), storage_dir=Path(options["OPTIONS"]["location"]))

    @property
    def is_postgres(self) -> bool:
        return "postgresql" in self.database["ENGINE"]

    def pg_dsn(self, *, password: bool = True) -> str:
        """A libpq connection string; without the password for a command line, which anyone may list."""
        db = self.database
        parts = {"dbname": db["NAME"], "user": db.get("USER"), "host": db.get("HOST"), "port": db.get("PORT")}
        if password:
            parts["password"] = db.get("PASSWORD")
        return " ".join(f"{key}='{value}'" for key, value in parts.items() if value)

    def pg_env(self) -> dict:
        env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
        if self.database.get("PASSWORD"):
            env["PGPASSWORD"] = self.database["PASSWORD"]
        return env


@dataclass
class Manifest:
    created_at: str
    vendor: str
    tables: dict[str, int]
    files: dict[str, dict]
    kek_ids: list[str] = field(default_factory=list)

    def write(self, folder: Path) -> None:
        (folder / MANIFEST).write_text(json.dumps(self.__dict__, indent=1, sort_keys=True))

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        try:
            return cls(**json.loads((folder / MANIFEST).read_text()))
        except FileNotFoundError:
            raise BackupError(f"{folder} holds no {MANIFEST}: it is not a backup.") from None

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


# -- counting and hashing


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count_tables(cursor, table_names) -> dict[str, int]:
    counts = {}
    for name in sorted(table_names):
        cursor.execute(f"SELECT count(*) FROM {_quote(name)}")
        counts[name] = cursor.fetchone()[0]
    return counts


def _pg_tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return [row[0] for row in cursor.fetchall()]


def _sqlite_tables(cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [row[0] for row in cursor.fetchall()]


def _kek_ids(cursor, tables: dict[str, int]) -> list[str]:
    """The key-encryption keys the rows were wrapped under: every model with a `kek_id` column."""
    ids: set[str] = set()
    for model in apps.get_models():
        if not any(f.name == "kek_id" for f in model._meta.concrete_fields):
            continue
        table = model._meta.db_table
        if table in tables:
            cursor.execute(f"SELECT DISTINCT kek_id FROM {_quote(table)} WHERE kek_id <> ''")
            ids.update(row[0] for row in cursor.fetchall())
    return sorted(ids)


def hash_files(folder: Path) -> dict[str, dict]:
    """Every file under `folder`: its path relative to it, size and SHA-256."""
    files = {}
    if not folder.exists():
        return files
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        files[path.relative_to(folder).as_posix()] = {"size": path.stat().st_size, "sha256": digest.hexdigest()}
    return files


# -- backup


def backup(folder: Path, *, source: Target | None = None) -> Manifest:
    """Write a backup of `source` (the configured database and storage) into the empty `folder`."""
    source = source or Target.from_settings()
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty; a backup goes into a new folder.")
    if source.is_postgres:
        tables, kek_ids = _backup_postgres(source, folder)
        vendor = "postgresql"
    else:
        tables, kek_ids = _backup_sqlite(source, folder)
        vendor = "sqlite"
    # Files after the database: every file a dumped row names was written before its row
    # committed, so it is in the copy. Files written since are harmless extras.
    if source.storage_dir.exists():
        shutil.copytree(source.storage_dir, folder / FILES)
    else:
        (folder / FILES).mkdir()
    manifest = Manifest(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        vendor=vendor,
        tables=tables,
        files=hash_files(folder / FILES),
        kek_ids=kek_ids,
    )
    manifest.write(folder)
    return manifest


def _backup_postgres(source: Target, folder: Path) -> tuple[dict[str, int], list[str]]:
    """Count the rows and dump them in one snapshot, so the counts describe the dump exactly."""
    with psycopg2.connect(source.pg_dsn()) as conn:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = _count_tables(cursor, _pg_tables(cursor))
            kek_ids = _kek_ids(cursor, tables)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={folder / PG_DUMP}",
                    f"--dbname={source.pg_dsn(password=False)}",
                ],
                env=source.pg_env(),
            )
        conn.rollback()
    conn.close()
    return tables, kek_ids


def _backup_sqlite(source: Target, folder: Path) -> tuple[dict[str, int], list[str]]:
    target = sqlite3.connect(folder / SQLITE_COPY)
    try:
        if source.database["NAME"] == connection.settings_dict["NAME"]:
            connection.ensure_connection()
            connection.connection.backup(target)
        else:
            with sqlite3.connect(source.database["NAME"]) as live:
                live.backup(target)
        cursor = target.cursor()
        tables = _count_tables(cursor, _sqlite_tables(cursor))
        return tables, _kek_ids(cursor, tables)
    finally:
        target.close()


# -- restore


def restore(folder: Path, *, target: Target | None = None) -> Manifest:
    """Restore the backup in `folder` into an empty database and folder, then prove it matches."""
    manifest = Manifest.read(folder)
    target = target or Target.from_settings()
    if (manifest.vendor == "postgresql") != target.is_postgres:
        raise BackupError(f"This is a {manifest.vendor} backup; the target database is not.")
    if target.storage_dir.exists() and any(target.storage_dir.iterdir()):
        raise BackupError(f"The storage folder {target.storage_dir} is not empty; restore into an empty one.")
    if target.is_postgres:
        _restore_postgres(folder, target)
    else:
        _restore_sqlite(folder, target)
    target.storage_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(folder / FILES, target.storage_dir, dirs_exist_ok=True)
    problems = compare(manifest, target)
    if problems:
        raise BackupError("The restore does not match the backup:\n  " + "\n  ".join(problems))
    return manifest


def _restore_postgres(folder: Path, target: Target) -> None:
    with psycopg2.connect(target.pg_dsn()) as conn, conn.cursor() as cursor:
        if _pg_tables(cursor):
            raise BackupError(f"The database {target.database['NAME']} is not empty; restore into an empty one.")
    conn.close()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={target.pg_dsn(password=False)}",
            str(folder / PG_DUMP),
        ],
        env=target.pg_env(),
    )


def _restore_sqlite(folder: Path, target: Target) -> None:
    path = Path(target.database["NAME"])
    if path.exists() and path.stat().st_size:
        raise BackupError(f"The database file {path} already exists; restore into a new one.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(folder / SQLITE_COPY) as copy, sqlite3.connect(path) as live:
        copy.backup(live)


def compare(manifest: Manifest, target: Target) -> list[str]:
    """What differs between the manifest and the target: row counts, files, KEK ids."""
    if target.is_postgres:
        with psycopg2.connect(target.pg_dsn()) as conn, conn.cursor() as cursor:
            tables = _count_tables(cursor, _pg_tables(cursor))
            kek_ids = _kek_ids(cursor, tables)
        conn.close()
    else:
        with sqlite3.connect(target.database["NAME"]) as conn:
            cursor = conn.cursor()
            tables = _count_tables(cursor, _sqlite_tables(cursor))
            kek_ids = _kek_ids(cursor, tables)
    problems = []
    for name in sorted(set(manifest.tables) | set(tables)):
        if manifest.tables.get(name) != tables.get(name):
            problems.append(f"table {name}: {manifest.tables.get(name)} rows in the backup, {tables.get(name)} now")
    files = hash_files(target.storage_dir)
    for name in sorted(set(manifest.files) - set(files)):
        problems.append(f"file {name} is missing")
    for name in sorted(set(manifest.files) & set(files)):
        if manifest.files[name] != files[name]:
            problems.append(f"file {name} differs")
    if kek_ids != manifest.kek_ids:
        problems.append(f"seal keys wrapped under KEK {kek_ids}, the backup says {manifest.kek_ids}")
    return problems


def _run(command: list[str], *, env: dict) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode:
        # The DSN may hold a password: name the program, not its arguments.
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


_current_kek_id: Callable[[], str] | None = None


def register_current_kek(func: Callable[[], str]) -> None:
    """The app that wraps keys (seals) tells the backup how to name the KEK this process holds."""
    global _current_kek_id
    _current_kek_id = func


def current_kek_matches(manifest: Manifest) -> bool:
    """Whether the KEK this process holds is the one the backup's seal keys are wrapped under."""
    if not manifest.kek_ids:
        return True
    return _current_kek_id is not None and manifest.kek_ids == [_current_kek_id()]
