"""Models of supervision's countdown (registered through supervision/models.py)."""

from django.db import models  # noqa: F401
