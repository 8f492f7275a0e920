"""Database guards for the published list, installed by migration 0003 (and again by 0007,
which adds the service guide's tables, and by 0009, over the bundles' tables).

The services never update a published row; these triggers make sure nothing
else can either (a stray `.update()`, a shell session, another app's SQL).
Published snapshots, their materials and form fields, list versions, list
entries and the audit trail refuse UPDATE on SQLite and on PostgreSQL, with
an integrity error.

Deletes are left to PROTECT foreign keys, the services and the read-only
admin: test databases are emptied with DELETE on SQLite, which row triggers
would block.

SQLite drops a table's triggers when a migration rebuilds the table (as it
does for most ALTERs). A later migration that alters one of these tables
must call `install()` again; tests/services/test_immutability.py fails if it
does not.

On PostgreSQL this also enables pg_trgm (a trusted extension since
PostgreSQL 13) and indexes ItemVersion.search_text with a trigram GIN index,
so that catalogue search (LIKE '%word%') stays fast on a long list. Without
the extension the search still works, only unindexed.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)

FROZEN_TABLES = [
    "services_listversion",
    "services_listentry",
    "services_listchange",
    "services_guidefile",
    "services_bundleentry",
]
SNAPSHOT_CHILD_TABLES = ["services_material", "services_formfield", "services_frequentquestion"]
MESSAGE = "published approval-list rows are immutable"


def _sqlite_statements(existing) -> list[str]:
    statements = [
        "DROP TRIGGER IF EXISTS services_itemversion_frozen",
        "CREATE TRIGGER services_itemversion_frozen BEFORE UPDATE ON services_itemversion "
        "FOR EACH ROW WHEN OLD.published_in_id IS NOT NULL "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: services_itemversion'); END",
    ]
    if "services_bundleversion" in existing:  # bundles (migration 0009): snapshots and their members
        statements += [
            "DROP TRIGGER IF EXISTS services_bundleversion_frozen",
            "CREATE TRIGGER services_bundleversion_frozen BEFORE UPDATE ON services_bundleversion "
            "FOR EACH ROW WHEN OLD.published_in_id IS NOT NULL "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: services_bundleversion'); END",
            "DROP TRIGGER IF EXISTS services_bundlemember_frozen",
            "CREATE TRIGGER services_bundlemember_frozen BEFORE UPDATE ON services_bundlemember FOR EACH ROW WHEN EXISTS ("
            "SELECT 1 FROM services_bundleversion WHERE published_in_id IS NOT NULL "
            "AND id IN (OLD.bundle_version_id, NEW.bundle_version_id)) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: services_bundlemember'); END",
        ]
    for table in _present(FROZEN_TABLES, existing):
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_frozen",
            f"CREATE TRIGGER {table}_frozen BEFORE UPDATE ON {table} "
            f"FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{MESSAGE}: {table}'); END",
        ]
    for table in _present(SNAPSHOT_CHILD_TABLES, existing):
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_frozen",
            f"CREATE TRIGGER {table}_frozen BEFORE UPDATE ON {table} FOR EACH ROW WHEN EXISTS ("
            "SELECT 1 FROM services_itemversion WHERE published_in_id IS NOT NULL "
            "AND id IN (OLD.item_version_id, NEW.item_version_id)) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: {table}'); END",
        ]
    return statements


def _present(tables: list[str], existing) -> list[str]:
    """The tables that exist at this point of the migrations (a later one creates the rest, then installs again)."""
    return [table for table in tables if table in existing]


def _postgresql_statements(existing) -> list[str]:
    statements = [
        f"""CREATE OR REPLACE FUNCTION services_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION '{MESSAGE}: %', TG_TABLE_NAME USING ERRCODE = '23000';
        END $$""",
        f"""CREATE OR REPLACE FUNCTION services_refuse_snapshot_child_update() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM services_itemversion WHERE published_in_id IS NOT NULL
                     AND id IN (OLD.item_version_id, NEW.item_version_id)) THEN
            RAISE EXCEPTION '{MESSAGE}: %', TG_TABLE_NAME USING ERRCODE = '23000';
          END IF;
          RETURN NEW;
        END $$""",
        "DROP TRIGGER IF EXISTS services_itemversion_frozen ON services_itemversion",
        "CREATE TRIGGER services_itemversion_frozen BEFORE UPDATE ON services_itemversion "
        "FOR EACH ROW WHEN (OLD.published_in_id IS NOT NULL) EXECUTE FUNCTION services_refuse_update()",
    ]
    if "services_bundleversion" in existing:  # bundles (migration 0009): snapshots and their members
        statements += [
            f"""CREATE OR REPLACE FUNCTION services_refuse_bundle_member_update() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
              IF EXISTS (SELECT 1 FROM services_bundleversion WHERE published_in_id IS NOT NULL
                         AND id IN (OLD.bundle_version_id, NEW.bundle_version_id)) THEN
                RAISE EXCEPTION '{MESSAGE}: %', TG_TABLE_NAME USING ERRCODE = '23000';
              END IF;
              RETURN NEW;
            END $$""",
            "DROP TRIGGER IF EXISTS services_bundleversion_frozen ON services_bundleversion",
            "CREATE TRIGGER services_bundleversion_frozen BEFORE UPDATE ON services_bundleversion "
            "FOR EACH ROW WHEN (OLD.published_in_id IS NOT NULL) EXECUTE FUNCTION services_refuse_update()",
            "DROP TRIGGER IF EXISTS services_bundlemember_frozen ON services_bundlemember",
            "CREATE TRIGGER services_bundlemember_frozen BEFORE UPDATE ON services_bundlemember "
            "FOR EACH ROW EXECUTE FUNCTION services_refuse_bundle_member_update()",
        ]
    for table in _present(FROZEN_TABLES, existing):
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}",
            f"CREATE TRIGGER {table}_frozen BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION services_refuse_update()",
        ]
    for table in _present(SNAPSHOT_CHILD_TABLES, existing):
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}",
            f"CREATE TRIGGER {table}_frozen BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION services_refuse_snapshot_child_update()",
        ]
    return statements


def install(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    existing = set(schema_editor.connection.introspection.table_names())
    if vendor == "sqlite":
        statements = _sqlite_statements(existing)
    elif vendor == "postgresql":
        statements = _postgresql_statements(existing)
    else:  # other databases get the service-level guards only
        return
    for sql in statements:
        schema_editor.execute(sql, params=None)  # the SQL holds literal % signs
    if vendor == "postgresql":
        _install_trigram_index(schema_editor)


def _install_trigram_index(schema_editor) -> None:
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                "CREATE INDEX IF NOT EXISTS services_itemversion_search_trgm "
                "ON services_itemversion USING gin (search_text gin_trgm_ops)"
            )
    except Exception as exc:  # no permission to create the extension: search works, unindexed
        logger.warning("pg_trgm is not available, catalogue search is not indexed: %s", exc)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    existing = set(schema_editor.connection.introspection.table_names())
    tables = _present(
        ["services_itemversion", *FROZEN_TABLES, *SNAPSHOT_CHILD_TABLES, "services_bundleversion", "services_bundlemember"],
        existing,
    )
    if vendor == "sqlite":
        for table in tables:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_frozen")
    elif vendor == "postgresql":
        for table in tables:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}")
        schema_editor.execute("DROP INDEX IF EXISTS services_itemversion_search_trgm")
        schema_editor.execute("DROP FUNCTION IF EXISTS services_refuse_update()")
        schema_editor.execute("DROP FUNCTION IF EXISTS services_refuse_snapshot_child_update()")
        schema_editor.execute("DROP FUNCTION IF EXISTS services_refuse_bundle_member_update()")


def uninstall_bundles(schema_editor) -> None:
    """Drop the bundles' guards only (migration 0009 backwards); the list's stay."""
    vendor = schema_editor.connection.vendor
    for table in ("services_bundleversion", "services_bundlemember", "services_bundleentry"):
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_frozen")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS services_refuse_bundle_member_update()")
