from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    name = "transfers"
    verbose_name = _("Transfers")

    def ready(self) -> None:
        from agreements.selectors import register_version_verdicts
        from transfers.selectors import version_verdicts

        # "May I share?" on the staff child page's agreements section (agreements never
        # imports this app).
        register_version_verdicts(version_verdicts)

        from ikc_share.todos import register_todo_provider
        from transfers.todos import transfer_todos

        register_todo_provider(transfer_todos)
