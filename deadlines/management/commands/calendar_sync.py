from django.core.management.base import BaseCommand
from django.utils import timezone

from deadlines.services import calendar_sync


class Command(BaseCommand):
    help = (
        "Seed the working-day calendar from the chinesecalendar and holidays packages. "
        "Idempotent; never overwrites what an administrator entered."
    )

    def handle(self, *args, **options):
        report = calendar_sync(at=timezone.now())
        if report.seeded:
            self.stdout.write(f"official years from the packages: {report.seeded[0]}–{report.seeded[-1]}")
        if report.skipped:
            self.stdout.write(f"kept as entered by an administrator: {', '.join(map(str, report.skipped))}")
        self.stdout.write(f"days added {report.created}, changed {report.updated}, removed {report.deleted}")
        for day, chinesecalendar_says, holidays_says in report.disagreements:
            self.stdout.write(
                self.style.WARNING(
                    f"the packages disagree on {day.isoformat()}: chinesecalendar says "
                    f"{'working' if chinesecalendar_says else 'day off'}, holidays says "
                    f"{'working' if holidays_says else 'day off'} (chinesecalendar is used; "
                    "an administrator can correct the day in the Django admin)"
                )
            )
        if report.changed_years:
            self.stdout.write(self.style.SUCCESS(f"calendar changed in {', '.join(map(str, report.changed_years))}"))
        else:
            self.stdout.write("calendar already up to date")
