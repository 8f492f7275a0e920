from django.apps import AppConfig


class SealsConfig(AppConfig):
    name = "seals"
