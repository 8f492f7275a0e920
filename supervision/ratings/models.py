"""Models of supervision's ratings (registered through supervision/models.py)."""

from django.db import models  # noqa: F401
