# Celery's autodiscovery finds <app>.tasks only; importing ours here registers the
# case sweep in every process that loads supervision's models (web, worker, beat).
from supervision.ratings import tasks  # noqa: F401
