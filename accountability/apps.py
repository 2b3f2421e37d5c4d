from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = _("Accountability")

    def ready(self) -> None:
        from accountability.todos import accountability_todos
        from ikc_share.todos import register_todo_provider

        # The home page's to-do list: rights requests and data breaches with their deadlines.
        register_todo_provider(accountability_todos)
