from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"

    def ready(self):
        from approvals.window.hooks import on_receipt_rating_link
        from supervision.ratings.services import receipt_rating_link

        # Each part's tasks, registered for queuing by name (in-process where CELERY_EAGER is set).
        from supervision.accountability import tasks as _accountability_tasks  # noqa: F401
        from supervision.countdown import tasks as _countdown_tasks  # noqa: F401
        from supervision.ratings import tasks as _ratings_tasks  # noqa: F401
        from supervision.reports import tasks as _reports_tasks  # noqa: F401

        # The receipt a window clerk prints carries a one-time QR code that rates the visit.
        on_receipt_rating_link(receipt_rating_link)

    def home_front(self, *, at) -> dict:
        """The home page's notices of criticism (portal.home)."""
        from supervision.home import front

        return front(at=at)

    def home_to_dos(self, user, *, at) -> dict:
        """The home page's ratings still to give (portal.home)."""
        from supervision.home import to_dos

        return to_dos(user, at=at)
