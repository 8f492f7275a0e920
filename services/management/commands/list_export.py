import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from services import transfer
from services.models import ItemVersion, ListVersion
from services.terms import terms_dict


class Command(BaseCommand):
    help = "Export the published list (or, with --draft, every draft) as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--draft", action="store_true", help="export the drafts instead of the published list")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("-o", "--output", type=Path, help="file to write (default: standard output, CSV only)")

    def handle(self, *args, draft=False, format="csv", output=None, **options):
        if draft:
            versions = ItemVersion.objects.drafts()
        else:
            versions = ItemVersion.objects.on_list(ListVersion.objects.current(at=timezone.now()))
        rows = [transfer.export_row(terms_dict(v)) for v in versions.with_terms().order_by("item__code")]
        data = transfer.export_xlsx(rows) if format == "xlsx" else transfer.export_csv(rows).encode()
        if output:
            output.write_bytes(data)
            self.stdout.write(self.style.SUCCESS(f"{len(rows)} items written to {output}"))
        elif format == "xlsx":
            self.stderr.write("Give --output for an XLSX file.")
        else:
            sys.stdout.buffer.write(data)
