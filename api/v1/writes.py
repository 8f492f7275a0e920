"""What departmental systems send and subscribe to: submitting applications, and webhooks."""

from ninja import Router

from api.v1 import submissions, webhooks

router = Router()
router.add_router("/applications", submissions.router)
router.add_router("/webhooks", webhooks.router)
