from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Exchange agreements")

    def ready(self) -> None:
        from agreements.selectors import child_section
        from ikc_share.selectors import register_child_section

        # The staff child page lists the active agreements under which the child's own
        # organisation shares (the core never imports this app).
        register_child_section(child_section)

        from agreements.todos import agreement_todos
        from ikc_share.todos import register_todo_provider

        # The home page's to-do list: versions waiting for the director's approval.
        register_todo_provider(agreement_todos)
