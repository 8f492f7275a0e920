"""Benchmark: licenses issued end to end, against the floor of the same work, in the same run.

End to end is the issuing task's body for an approved application, through
the service layer: open the license (number, holder, validity), claim it,
render the A4 PDF (template, QR code, WeasyPrint with the subset CJK faces),
seal it (`seal_pdf`: visible seal, PAdES, usage log), store it through
Django's storage, and record the document and the license.

The floor is what cannot be avoided: WeasyPrint rendering the very same HTML
(with the same font configuration, kept per process as `licenses.documents`
does) plus one bare pyHanko signature (same key and certificates, invisible
field, pyHanko's defaults). A floor with a fresh font configuration for every
render, as a plain `HTML(string=…).write_pdf()` would do, is printed too.
Both are measured interleaved with ours, license by license.

Then the same number of licenses is issued by 2 worker processes at once,
each running the task body on its share, and the floor is run the same way by
2 processes on the same HTML: the line before the last says
`2 worker processes: <N> licenses/s, floor <F>/s`.

    make bench-licenses            # or: python bench/bench_licenses.py [N]

The last line is `licenses: p50 <ms> ms per license, <R>x floor, <KiB> KiB per PDF`.
SQLite by default; BENCH_DATABASE_URL=postgres://… runs it on PostgreSQL.
"""

import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def configure(tmp: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.update(
        DEBUG="1",
        DEMO_MODE="1",
        HTTPS="0",
        VAR_DIR=tmp,
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3",
        SEAL_KEK_FILE=f"{tmp}/seal-kek.key",
        SEAL_TSA_URL="",  # B-B: a TSA's network round trip would swamp both sides
        CELERY_EAGER="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


FIELDS = [
    {"key": "proposed_name", "type": "text", "label_zh": "拟设立企业名称", "label_en": "Proposed name", "max_length": 100},
    {"key": "business_scope", "type": "textarea", "label_zh": "经营范围", "label_en": "Business scope", "max_length": 1000},
    {"key": "address", "type": "address", "label_zh": "住所", "label_en": "Registered address"},
]


def setup_world(n_applications: int):
    from django.core.management import call_command
    from django.utils import timezone

    from approvals import services as workflow
    from deadlines.services import calendar_sync
    from licenses.models import LicenseType
    from portal.models import Person, StaffRole, User
    from portal.identifiers import resident_id_check_char
    from seals import services as seal_services
    from services import services as list_services
    from services.models import Department

    call_command("migrate", verbosity=0)
    calendar_sync(at=timezone.now())
    seal_services.root_create()
    department = Department.objects.create(code="market", name_zh="市场监督管理局", name_en="Market Supervision Administration")
    seal_services.seal_issue(department=department)
    license_type = LicenseType.objects.create(
        code="business-license",
        name_zh="营业执照",
        name_en="business license",
        number_prefix="YYZZ",
        template=LicenseType.Template.BUSINESS_LICENSE,
        printed_fields=[{"key": "proposed_name", "label_zh": "登记名称", "label_en": "Registered name"},
                        {"key": "address"}, {"key": "business_scope"}],
    )
    from decimal import Decimal

    list_services.item_create(
        actor=None,
        code="MKT-900",
        department=department,
        terms={
            "name_zh": "个体工商户设立登记", "name_en": "Registering a sole trader", "description_zh": "基准测试",
            "description_en": "Benchmark", "keywords": "", "audience": "person", "kind": "promised",
            "statutory_limit_days": 20, "promised_limit_days": 5, "legal_basis_zh": "《条例》",
            "legal_basis_en": "Regulations", "fee_yuan": Decimal("0"), "online_level": "full_online",
            "max_visits": 0, "license_type": license_type,
        },
        materials=[], fields=FIELDS, events=[],
    )
    list_services.list_publish(actor=None, note="基准测试", departments=None)
    approver = User.objects.create_user(email="approver@bench.example", password="x")
    StaffRole.objects.create(user=approver, role=StaffRole.Role.APPROVER, department=department)
    holder = User.objects.create_user(email="holder@bench.example", password="x")
    first17 = "21140219900307123"
    Person.objects.create(user=holder, real_name="王小明", resident_id=first17 + resident_id_check_char(first17))
    ids = []
    with mock.patch("licenses.services._enqueue_issue"):
        for i in range(n_applications):
            application = workflow.application_start(actor=holder, item_code="MKT-900")
            workflow.application_save(
                application=application,
                actor=holder,
                data={
                    "proposed_name": f"葫芦岛海滨小吃第{i + 1}有限公司",
                    "business_scope": "餐饮服务；食品销售；日用百货零售；预包装食品销售（含冷藏冷冻食品）。",
                    "address": "辽宁省葫芦岛市龙港区海滨路1号",
                },
            )
            application = workflow.application_submit(application=application, actor=holder, declaration=True)
            application = workflow.application_accept(application=application, actor=approver)
            workflow.application_approve(application=application, actor=approver)
            ids.append(application.pk)
    return ids


def bare_signer():
    from seals import keystore, pki, signing
    from seals.models import RootAuthority, Seal

    seal, root = Seal.objects.get(), RootAuthority.objects.get()
    certificate = pki.load_certificate(seal.certificate_pem)
    key = keystore.decrypt_private_key(seal.encrypted_key, stored_kek_id=seal.kek_id, public_key=certificate.public_key())
    return signing.key_signer(key, certificate=certificate, root_certificate=pki.load_certificate(root.certificate_pem))


def bare_sign(pdf: bytes, signer) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(field_name="Signature1", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES)
    return signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), meta, signer=signer).getvalue()


def issue(application_id: int) -> None:
    """The issuing task's body (licenses.tasks.issue_license), without the broker."""
    from licenses.tasks import issue_license

    issue_license.run(application_id)


def _worker(args) -> int:
    tmp, ids = args
    configure(tmp)
    for application_id in ids:
        issue(application_id)
    return len(ids)


def _floor_worker(args) -> int:
    """The floor in a worker process of its own: render each HTML and sign it bare."""
    tmp, htmls = args
    configure(tmp)
    from weasyprint import HTML

    from portal import pdf

    signer = bare_signer()
    for html in htmls:
        bare_sign(HTML(string=html, base_url=str(ROOT)).write_pdf(font_config=pdf._font_config()), signer)
    return len(htmls)


def main(n: int) -> None:
    tmp_dir = tempfile.TemporaryDirectory(prefix="bench-licenses-")
    tmp = tmp_dir.name
    try:
        configure(tmp)
        from django.db import connection
        from weasyprint import HTML

        from licenses import documents
        from licenses.models import License
        from portal import pdf
        from seals.models import SealUsage
        from seals.verification import verify_pdf

        warm = 10
        started = time.perf_counter()
        ids = setup_world(warm + 2 * n)
        print(f"set-up: {len(ids)} approved applications in {time.perf_counter() - started:.1f} s ({connection.vendor})")
        serial_ids, parallel_ids = ids[warm : warm + n], ids[warm + n :]

        signer = bare_signer()
        for application_id in ids[:warm]:  # warm up: imports, the font cut and caches, the decrypted signer
            issue(application_id)
            license = License.objects.with_relations().get(application_id=application_id)
            bare_sign(HTML(string=documents.html_for(license, revision=1)).write_pdf(), signer)
        assert verify_pdf(license.file.open("rb").read()).ok

        ours_ms, floor_ms, plain_ms, sizes, htmls = [], [], [], [], []
        for application_id in serial_ids:
            start = time.perf_counter()
            issue(application_id)
            ours_ms.append((time.perf_counter() - start) * 1000)

            license = License.objects.with_relations().get(application_id=application_id)
            sizes.append(license.size)
            html = documents.html_for(license, revision=1)  # the same HTML (not timed: it is ours, not the floor)
            htmls.append(html)
            start = time.perf_counter()
            document = HTML(string=html, base_url=str(ROOT)).write_pdf(font_config=pdf._font_config())
            rendered = time.perf_counter()
            bare_sign(document, signer)
            signed = time.perf_counter()
            HTML(string=html, base_url=str(ROOT)).write_pdf()  # a fresh font configuration
            plain = time.perf_counter()
            floor_ms.append((signed - start) * 1000)
            plain_ms.append(((plain - signed) + (signed - rendered)) * 1000)

        assert License.objects.filter(status="valid").count() == warm + n
        assert SealUsage.objects.count() == warm + n

        # Two worker processes, each issuing its share.
        connection.close()
        halves = [(tmp, parallel_ids[0::2]), (tmp, parallel_ids[1::2])]
        start = time.perf_counter()
        with multiprocessing.get_context("spawn").Pool(2) as pool:
            done = sum(pool.map(_worker, halves))
        wall = time.perf_counter() - start
        assert done == n and License.objects.filter(status="valid").count() == warm + 2 * n
        assert SealUsage.objects.count() == warm + 2 * n  # one seal-usage entry per license

        # The floor by 2 processes, on the same HTML, started the same way (a fresh process each).
        start = time.perf_counter()
        with multiprocessing.get_context("spawn").Pool(2) as pool:
            floor_done = sum(pool.map(_floor_worker, [(tmp, htmls[0::2]), (tmp, htmls[1::2])]))
        floor_wall = time.perf_counter() - start
        assert floor_done == n

        p50, floor_p50, plain_p50 = statistics.median(ours_ms), statistics.median(floor_ms), statistics.median(plain_ms)
        kib = statistics.median(sizes) / 1024
        print(f"{n} licenses, one A4 page each, issued one after another, interleaved with the floor")
        print(f"ours (end to end):  p50 {p50:.1f} ms, p90 {statistics.quantiles(ours_ms, n=10)[-1]:.1f} ms")
        print(f"floor (render + bare sign): p50 {floor_p50:.1f} ms")
        print(f"floor with a fresh font configuration per render: p50 {plain_p50:.1f} ms ({p50 / plain_p50:.2f}x)")
        print(f"PDF size: median {kib:.1f} KiB, max {max(sizes) / 1024:.1f} KiB")
        print(f"one process: {1000 / p50:.1f} licenses/s ({n} in {wall:.1f} s by 2 processes, floor in {floor_wall:.1f} s)")
        print(f"2 worker processes: {n / wall:.1f} licenses/s, floor {n / floor_wall:.1f}/s ({wall and floor_wall / wall:.0%} of the floor)")
        print(f"licenses: p50 {p50:.0f} ms per license, {p50 / floor_p50:.2f}x floor, {kib:.0f} KiB per PDF")
    finally:
        tmp_dir.cleanup()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
