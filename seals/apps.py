from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SealsConfig(AppConfig):
    name = "seals"
    verbose_name = _("Electronic seals")

    def ready(self):
        from portal import backup
        from seals import checks, keystore, tasks  # noqa: F401  (tasks: registered for queuing by name)

        backup.register_current_kek(keystore.current_kek_id)

        # Outside DEBUG/demo mode a missing or malformed key-encryption key stops
        # every process (web, worker, commands) at start-up, not at first signature.
        checks.require_kek_in_production()
