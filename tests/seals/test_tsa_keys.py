"""The portal TSA's keys: each signs timestamps for a year (pki.TSA_KEY_USAGE), its certificate
lasts until the root ends, and a retired key is destroyed while its certificate stays valid
and unrevoked, so that the timestamps it made keep checking out at the current time."""

import logging
import os
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from cryptography import x509

from seals import pki, selectors, services, tasks
from seals.models import Authority

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def hierarchy(root_created_at):
    return root_created_at(T0)


def tsas():
    return list(Authority.objects.filter(role=Authority.Role.TSA).order_by("created_at"))


def key_usage(tsa) -> x509.PrivateKeyUsagePeriod:
    certificate = pki.load_certificate(tsa.certificate_pem)
    return certificate.extensions.get_extension_for_class(x509.PrivateKeyUsagePeriod).value


def test_a_tsa_key_signs_for_a_year_and_its_certificate_lasts_until_the_root_ends(hierarchy):
    tsa = selectors.tsa_authority()
    root_ends = pki.load_certificate(hierarchy.certificate_pem).not_valid_after_utc

    assert tsa.not_after == root_ends
    period = key_usage(tsa)
    assert period.not_after.replace(tzinfo=UTC) == T0 + pki.TSA_KEY_USAGE
    assert services.tsa_key_usage_ends(tsa) == T0 + pki.TSA_KEY_USAGE


def test_the_weekly_task_replaces_the_key_before_its_year_ends_and_destroys_the_old_one(hierarchy):
    old = selectors.tsa_authority()
    with time_machine.travel(T0 + pki.TSA_KEY_USAGE - services.TSA_ROTATE_AHEAD - timedelta(days=1), tick=False):
        tasks.renew_archive_timestamps()
    assert selectors.tsa_authority() == old

    rotated_at = T0 + pki.TSA_KEY_USAGE - services.TSA_ROTATE_AHEAD + timedelta(hours=1)
    with time_machine.travel(rotated_at, tick=False):
        tasks.renew_archive_timestamps()
        services.crl_publish()

    new = selectors.tsa_authority()
    old.refresh_from_db()
    assert new != old and new.created_at == rotated_at
    assert old.retired_at == rotated_at and bytes(old.encrypted_key) == b"" and old.kek_id == ""
    assert new.not_after == old.not_after  # both until the root ends
    assert services.tsa_key_usage_ends(new) == rotated_at + pki.TSA_KEY_USAGE
    # Retired, not revoked: the root's CRL lists nothing.
    root_crl = x509.load_der_x509_crl(selectors.root_crl())
    assert len(list(root_crl)) == 0


def test_a_key_past_its_year_never_signs_even_if_the_weekly_task_did_not_run(hierarchy, one_page_pdf, department):
    old = selectors.tsa_authority()
    later = T0 + pki.TSA_KEY_USAGE + timedelta(days=3)
    with time_machine.travel(later, tick=False):
        seal = services.seal_issue(department=department)
        services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="test")

    new = selectors.tsa_authority()
    assert new != old and new.created_at == later
    assert [t.pk for t in tsas()] == [old.pk, new.pk]


def test_kek_rotation_skips_the_destroyed_keys(hierarchy, tmp_path, settings):
    with time_machine.travel(T0 + pki.TSA_KEY_USAGE, tick=False):
        services.tsa_ensure()
    (tmp_path / "new-kek").write_text(os.urandom(32).hex() + "\n")

    result = services.kek_rotate(new_kek_file=str(tmp_path / "new-kek"))

    assert result.rewrapped == 3  # the root, the issuing CA and the TSA in use
    settings.SEAL_KEK_FILE = str(tmp_path / "new-kek")
    services.forget_signers()
    with time_machine.travel(T0 + pki.TSA_KEY_USAGE + timedelta(days=1), tick=False):
        assert services.timestamp_digest(b"\x00" * 32) is not None


def test_in_the_roots_last_years_keys_still_turn_over_and_the_task_asks_for_a_new_root(hierarchy, caplog):
    root_ends = pki.load_certificate(hierarchy.certificate_pem).not_valid_after_utc
    old = selectors.tsa_authority()
    near_the_end = root_ends - timedelta(days=200)  # the key's year of use is long over

    with caplog.at_level(logging.ERROR, logger="seals.services"), time_machine.travel(near_the_end, tick=False):
        tasks.renew_archive_timestamps()

    new = selectors.tsa_authority()
    assert new != old and new.not_after == root_ends
    assert services.tsa_key_usage_ends(new) == root_ends  # no key signs beyond the root either
    assert [r.message for r in caplog.records] == [
        f"seals: the root CA ends on {root_ends}: a new root is needed",
        "seals: archive timestamps are due but the TSA in use ends within the window too: a new root is needed",
    ]
