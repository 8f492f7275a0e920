"""A backup restores into an empty database and folder with every row and file as it was."""

import json
import sqlite3
import uuid

import pytest
from django.db import connection

from portal import backup
from portal.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def source(tmp_path):
    storage = tmp_path / "private"
    (storage / "uploads" / "2026").mkdir(parents=True)
    (storage / "uploads" / "2026" / "a.pdf").write_bytes(b"%PDF-1.4 first")
    (storage / "licenses").mkdir()
    (storage / "licenses" / "b.pdf").write_bytes(b"%PDF-1.4 second" * 1000)
    return backup.Target(database=dict(connection.settings_dict), storage_dir=storage)


@pytest.fixture
def empty_target(tmp_path):
    """A new, empty database of the same kind as the test database, and an empty folder."""
    if connection.vendor == "postgresql":
        name = f"test_restore_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        database = {**connection.settings_dict, "NAME": name}
        yield backup.Target(database=database, storage_dir=tmp_path / "restored-files")
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        database = {**connection.settings_dict, "NAME": str(tmp_path / "restored.sqlite3")}
        yield backup.Target(database=database, storage_dir=tmp_path / "restored-files")


def test_a_restore_has_every_row_and_file_of_the_backup(tmp_path, source, empty_target):
    UserFactory.create_batch(3)
    manifest = backup.backup(tmp_path / "backup", source=source)
    assert manifest.tables[User._meta.db_table] == User.objects.count() >= 3
    assert set(manifest.files) == {"uploads/2026/a.pdf", "licenses/b.pdf"}

    UserFactory()  # written after the backup: not in it
    restored = backup.restore(tmp_path / "backup", target=empty_target)

    assert restored.tables == manifest.tables
    assert backup.compare(manifest, empty_target) == []
    assert (empty_target.storage_dir / "licenses" / "b.pdf").read_bytes() == b"%PDF-1.4 second" * 1000
    assert not any("kek" in path.name.lower() for path in (tmp_path / "backup").rglob("*"))


def test_a_damaged_backup_is_refused_and_says_what_differs(tmp_path, source, empty_target):
    backup.backup(tmp_path / "backup", source=source)
    (tmp_path / "backup" / "private" / "uploads" / "2026" / "a.pdf").write_bytes(b"%PDF-1.4 changed")

    with pytest.raises(backup.BackupError, match="file uploads/2026/a.pdf differs"):
        backup.restore(tmp_path / "backup", target=empty_target)


def test_a_row_count_that_does_not_match_is_reported(tmp_path, source, empty_target):
    backup.backup(tmp_path / "backup", source=source)
    manifest_file = tmp_path / "backup" / backup.MANIFEST
    manifest = json.loads(manifest_file.read_text())
    manifest["tables"][User._meta.db_table] += 1
    manifest_file.write_text(json.dumps(manifest))

    with pytest.raises(backup.BackupError, match=f"table {User._meta.db_table}"):
        backup.restore(tmp_path / "backup", target=empty_target)


def test_a_restore_never_writes_over_data(tmp_path, source):
    backup.backup(tmp_path / "backup", source=source)
    database = dict(connection.settings_dict)  # on PostgreSQL, the test database with its tables
    if connection.vendor == "sqlite":
        database["NAME"] = str(tmp_path / "in-use.sqlite3")
        sqlite3.connect(database["NAME"]).execute("CREATE TABLE t (x)").connection.commit()
    occupied = backup.Target(database=database, storage_dir=tmp_path / "empty")

    with pytest.raises(backup.BackupError, match="not empty|already exists"):
        backup.restore(tmp_path / "backup", target=occupied)


def test_a_backup_goes_into_a_new_folder(tmp_path, source):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "old.txt").write_text("x")

    with pytest.raises(backup.BackupError, match="not empty"):
        backup.backup(tmp_path / "used", source=source)
