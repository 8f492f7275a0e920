"""Start-up checks for the seals' key-encryption key (KEK).

- In production (neither DEBUG nor DEMO_MODE) a missing, unreadable or
  malformed KEK raises ImproperlyConfigured as the app loads.
- seals.E001 reports a malformed KEK file in DEBUG/demo mode too.
- seals.E002 (a database check, run by `migrate` and `check --database default`)
  reports a KEK that is not the one the stored keys were wrapped under.
"""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import connections

from seals import keystore


def require_kek_in_production() -> None:
    if not (settings.DEBUG or settings.DEMO_MODE):
        keystore.load_kek(create=False)


@register()
def kek_readable(app_configs, **kwargs):
    path = settings.SEAL_KEK_FILE
    if (settings.DEBUG or settings.DEMO_MODE) and path and not Path(path).exists():
        return []  # created on first use
    try:
        keystore.load_kek(create=False)
    except keystore.KeyEncryptionKeyError as exc:
        return [Error(str(exc), id="seals.E001")]
    return []


@register(Tags.database)
def kek_matches_stored_keys(app_configs, databases=None, **kwargs):
    if not databases:
        return []
    try:
        current = keystore.kek_id(keystore.load_kek(create=False))
    except keystore.KeyEncryptionKeyError:
        return []  # seals.E001 says why
    from seals.models import Authority, RootAuthority, Seal

    errors = []
    for alias in databases:
        tables = connections[alias].introspection.table_names()
        if any(model._meta.db_table not in tables for model in (RootAuthority, Authority, Seal)):
            continue
        stored = set(RootAuthority.objects.using(alias).values_list("kek_id", flat=True))
        stored |= set(Authority.objects.using(alias).values_list("kek_id", flat=True))
        stored |= set(Seal.objects.using(alias).exclude(kek_id="").values_list("kek_id", flat=True))
        wrong = sorted(stored - {current})
        if wrong:
            errors.append(
                Error(
                    f"Wrong key-encryption key: keys in database '{alias}' were wrapped under KEK "
                    f"{', '.join(wrong)}, but SEAL_KEK_FILE holds KEK {current}.",
                    hint="Point SEAL_KEK_FILE at the key-encryption key that created the root CA.",
                    id="seals.E002",
                )
            )
    return errors
