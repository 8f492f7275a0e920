"""PAdES B-LTA: every seal carries a signature timestamp from the portal's TSA, the DSS with
the certificates and CRLs, and a document timestamp, so that pyHanko's own AdES validator, run
as a separate process that trusts nothing but our root, accepts a license fifteen years later:
after the seal certificate has expired, and after the seal was revoked for a reason other
than key compromise.

How it holds (docs/seals.md, "Long-term validation"): the TSA key signs for a year only, but
its certificate lasts until the root ends, so the signature timestamp still checks out at the
current time in 2041, with the root's CRL of that day, which the validator fetches from the
address in the TSA certificate (`/verify/root-ca.crl`), as any relying party does.
"""

import http.server
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
import time_machine
from django.core.files.storage import default_storage
from pyhanko.pdf_utils.reader import PdfFileReader

from seals import pki, selectors, services, signing, tasks
from seals.models import Authority
from tests.conftest import NOW
from tests.licenses.conftest import approve, business_license, item  # noqa: F401 (fixtures)
from tests.seals.conftest import VENV_BIN

# pyHanko's CLI, run with the process clock set to the validation time: its AdES past validation
# starts the time slide at the clock's "now" whatever --validation-time says, so a validation
# "in 2041" is only that if the validator's clock says 2041, as it will then.
_CLI_AT = """
import sys
from datetime import datetime

import time_machine

time_machine.travel(datetime.fromisoformat(sys.argv[1]), tick=True).start()
from pyhanko.__main__ import launch

sys.argv = ["pyhanko", *sys.argv[2:]]
sys.exit(launch())
"""

LTA_OK = "INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,EXTENDED_WITH_LTA_UPDATES"


def pyhanko_at(at: datetime, args: list[str], pdf: bytes, root_pem: str, tmp_path) -> subprocess.CompletedProcess:
    (tmp_path / "root.pem").write_text(root_pem)
    (tmp_path / "document.pdf").write_bytes(pdf)
    return subprocess.run(
        [str(VENV_BIN / "python"), "-c", _CLI_AT, at.isoformat(), *args, "document.pdf"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def adesverify(pdf: bytes, root_pem: str, tmp_path, *, at: datetime, online=False) -> subprocess.CompletedProcess:
    """`pyhanko sign adesverify --trust-replace --trust root.pem` with the clock at `at`: AdES
    validation with the timestamps' proof of existence, revocation judged (no --no-revocation-check).

    Offline (`--validation-time`, a point-in-time validation) pyHanko uses only the revocation data
    in the file. Online it validates "now" and, like any relying party, fetches the current CRLs
    from the addresses in the certificates."""
    when = [] if online else ["--validation-time", at.isoformat()]
    args = ["sign", "adesverify", "--trust-replace", "--trust", "root.pem", *when]
    return pyhanko_at(at, args, pdf, root_pem, tmp_path)


def reader(pdf: bytes) -> PdfFileReader:
    return PdfFileReader(BytesIO(pdf))


def signature_timestamp_token(signature):
    """The RFC 3161 token in the signature's unsigned attributes (what makes it B-T), or None."""
    for attribute in signature.signed_data["signer_infos"][0]["unsigned_attrs"]:
        if attribute["type"].native == "signature_time_stamp_token":
            return attribute["values"][0]
    return None


def assert_b_lta(pdf: bytes) -> None:
    r = reader(pdf)
    signature = r.embedded_regular_signatures[0]
    assert signature_timestamp_token(signature) is not None  # B-T: the signature timestamp token
    assert "/DSS" in r.root  # B-LT: certificates and CRLs
    dss = r.root["/DSS"]
    assert len(dss["/Certs"]) >= 3 and len(dss["/CRLs"]) >= 2
    assert len(r.embedded_timestamp_signatures) >= 1  # B-LTA: the document timestamp


def weekly_task_runs(start: datetime, end: datetime):
    """The moments the beat runs seals.tasks.renew_archive_timestamps: Sundays 03:40 Shanghai."""
    moment = start.astimezone(NOW.tzinfo).replace(hour=3, minute=40, second=0, microsecond=0)
    moment += timedelta(days=(6 - moment.weekday()) % 7)
    if moment <= start:
        moment += timedelta(days=7)
    while moment < end:
        yield moment
        moment += timedelta(days=7)


class PublishedCRLs:
    """The portal's public CRL addresses (/verify/root-ca.crl, /verify/crl.crl) on a local port,
    serving what the portal's views serve at the moment `publish` is called. The certificates
    name SITE_URL, so a validator that follows them lands here."""

    def __init__(self):
        self.bodies: dict[str, bytes] = {}
        self.requests: list[str] = []
        crls = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                crls.requests.append(self.path)
                body = crls.bodies.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/pkix-crl")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def publish(self, client):
        """Copy what the portal serves now (the worker's newest CRLs) to the local addresses."""
        for path in ("/verify/root-ca.crl", "/verify/crl.crl"):
            response = client.get(path)
            assert response.status_code == 200
            self.bodies[path] = response.content

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def published_crls(seal_settings):
    crls = PublishedCRLs()
    seal_settings.SITE_URL = crls.url  # before the root exists: its certificates name this address
    yield crls
    crls.close()


@pytest.fixture
def sealed(seal, one_page_pdf):
    return services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="licenses.issue")


def test_it_seals_at_level_b_lta(sealed):
    assert_b_lta(sealed)
    assert len(reader(sealed).embedded_timestamp_signatures) == 1


def test_its_timestamps_come_from_the_portal_tsa_under_our_root(sealed, root):
    r = reader(sealed)
    tsa = selectors.tsa_authority()

    token = signature_timestamp_token(r.embedded_regular_signatures[0])
    token_signers = [c.chosen.sha256.hex() for c in token["content"]["certificates"]]
    document_stamp = r.embedded_timestamp_signatures[0]
    assert tsa.fingerprint_sha256 in token_signers
    assert document_stamp.signer_cert.sha256.hex() == tsa.fingerprint_sha256


def test_the_usage_log_records_the_signed_revision(sealed, seal):
    usage = seal.usages.get()

    assert usage.document_sha256 == signing.signed_revision_sha256(sealed)
    assert selectors.usage_of(sealed) == usage


def test_it_passes_pyhankos_ades_validator_now_with_nothing_but_the_file(sealed, root, tmp_path):
    result = adesverify(sealed, root.certificate_pem, tmp_path, at=datetime.now(UTC))

    assert result.returncode == 0, result.stdout + result.stderr
    assert LTA_OK in result.stdout


def test_a_license_validates_fifteen_years_on_after_expiry_revocation_and_the_weekly_renewals(
    frozen_time, published_crls, department, item, applicant, approver, client, tmp_path  # noqa: F811
):
    from licenses.models import License
    from licenses.tasks import issue_license

    with time_machine.travel(NOW, tick=False):
        root = services.root_create()
        seal = services.seal_issue(department=department)
        application = approve(item.code, applicant, approver)
        issue_license.delay(application.pk).get()
    # The stored document the licenses app registered for archive renewal (register_archive).
    document = License.objects.get(application=application).documents.get()
    issued = default_storage.open(document.file.name).read()
    # A year later the department's seal is revoked, for a reason that does not reach back.
    with time_machine.travel(NOW + timedelta(days=365), tick=False):
        services.seal_revoke(seal=seal, reason="superseded", note="部门启用新印章")
    # Fifteen years of the weekly task: it replaces the TSA key when its year of use ends and
    # renews the archive timestamps of stored documents that need it.
    in_15_years = NOW + timedelta(days=round(15 * 365.25))
    runs = 0
    for moment in weekly_task_runs(NOW, in_15_years):
        with time_machine.travel(moment, tick=False):
            tasks.renew_archive_timestamps()
        runs += 1
    # The hourly worker has signed the CRLs of that day; the portal serves them.
    with time_machine.travel(in_15_years - timedelta(minutes=40), tick=False):
        tasks.publish_crls()
        published_crls.publish(client)
    document.refresh_from_db()
    pdf = default_storage.open(document.file.name).read()

    assert runs > 780
    assert seal.not_after < in_15_years - timedelta(days=9 * 365)  # the seal certificate ended long ago
    # A new TSA key every year; every certificate lasts until the root ends; retired keys are destroyed.
    tsas = list(Authority.objects.filter(role=Authority.Role.TSA).order_by("created_at"))
    assert len(tsas) >= 15
    assert all(b.created_at - a.created_at <= pki.TSA_KEY_USAGE for a, b in zip(tsas, tsas[1:], strict=False))
    assert {t.not_after for t in tsas} == {pki.load_certificate(root.certificate_pem).not_valid_after_utc}
    assert all(bytes(t.encrypted_key) == b"" for t in tsas[:-1]) and tsas[-1].retired_at is None
    # No archive renewal was due: the timestamps' TSA certificate lasts until the root ends.
    assert pdf == issued and not services.archive_renewal_due(pdf, at=in_15_years)
    assert_b_lta(pdf)

    result = adesverify(pdf, root.certificate_pem, tmp_path, at=in_15_years, online=True)

    assert result.returncode == 0, result.stdout + result.stderr
    assert LTA_OK in result.stdout
    assert "/verify/root-ca.crl" in published_crls.requests  # judged with the root's CRL of that day
    # Revocation is judged, not skipped: without that day's CRL (a point-in-time validation uses
    # only what the file carries, the newest of it fifteen years old) pyHanko does not accept it.
    assert adesverify(pdf, root.certificate_pem, tmp_path, at=in_15_years).returncode != 0
    # pyHanko's plain mode (`sign validate --validation-time`) is no long-term validator: it
    # checks the seal certificate at that time, which is after it ended (docs/seals.md).
    plain = ["sign", "validate", "--trust-replace", "--trust", "root.pem", "--validation-time", in_15_years.isoformat()]
    result = pyhanko_at(in_15_years, plain, pdf, root.certificate_pem, tmp_path)
    assert result.returncode != 0
    assert "end-entity certificate expired" in result.stderr
    assert "INTACT:UNTRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>" in result.stdout


@pytest.mark.xfail(
    strict=True,
    reason="pyHanko 0.38 cannot validate a seal once the TSA certificate of its signature timestamp has "
    "ended, whatever archive timestamps follow: the signature then needs AdES past validation, and "
    "pyhanko.sign.validation.ades._find_revinfo_data_for_leaf_in_past looks for the seal's CRL on a path "
    "that starts at the issuing CA, where the issuing CA (not self-signed) cannot be placed as the CRL's "
    "issuer (ValidationPath.truncate_to_issuer_and_append raises LookupError), so no CRL is found and the "
    "result is REVOCATION_OUT_OF_BOUNDS_NO_POE. Only certificates issued by a root, like the TSA's, get "
    "their CRL there. Hence TSA certificates last until the root ends (pki.TSA_VALIDITY).",
)
def test_archive_timestamps_alone_carry_a_seal_past_the_end_of_its_tsa_certificate(
    published_crls, department, one_page_pdf, client, tmp_path, monkeypatch
):
    # A TSA certificate that ends after three years, as an external TSA's may, or one made
    # before TSA certificates lasted until the root ends.
    monkeypatch.setattr(pki, "TSA_VALIDITY", timedelta(days=3 * 365))
    now = datetime.now(UTC).replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        root = services.root_create()
        seal = services.seal_issue(department=department)
    with time_machine.travel(now + timedelta(minutes=5)):
        pdf = services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="licenses.issue")
    with time_machine.travel(now + timedelta(days=365), tick=False):
        services.seal_revoke(seal=seal, reason="superseded", note="部门启用新印章")
    tsa_ends = selectors.tsa_authority().not_after
    later = tsa_ends + timedelta(days=180)
    renewed = 0
    for moment in weekly_task_runs(now, later):
        with time_machine.travel(moment, tick=False):
            tasks.renew_archive_timestamps()
            if services.archive_renewal_due(pdf):  # what the task does for each stored document
                pdf = services.archive_renew(pdf)
                renewed += 1
    with time_machine.travel(later - timedelta(minutes=40), tick=False):
        tasks.publish_crls()
        published_crls.publish(client)
    assert renewed == 1 and len(reader(pdf).embedded_timestamp_signatures) == 2

    result = adesverify(pdf, root.certificate_pem, tmp_path, at=later, online=True)

    assert result.returncode == 0, result.stdout + result.stderr
