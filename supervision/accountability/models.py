"""Models of supervision's accountability (registered through supervision/models.py)."""

from django.db import models  # noqa: F401
