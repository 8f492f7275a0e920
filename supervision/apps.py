from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"

    def ready(self):
        from approvals.window.hooks import on_receipt_rating_link
        from supervision.ratings.services import receipt_rating_link

        # The receipt a window clerk prints carries a one-time QR code that rates the visit.
        on_receipt_rating_link(receipt_rating_link)
