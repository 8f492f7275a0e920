"""Webhooks: a department's system is told when its department's applications change state.

A client with the scope applications:read subscribes an https URL and gets a
signing secret once (`services.subscription_create`). Each transition of an
application of its department (the workflow's `on_state_changed` hook)
queues one `Delivery` per subscription after the commit; the task
`api.webhooks.tasks.deliver` POSTs it, signed (`signing`), and retries with
exponential backoff; every attempt is logged (`DeliveryAttempt`).
"""
