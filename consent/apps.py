from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consent")

    def ready(self) -> None:
        from agreements.letters.batches import register_batch_section
        from consent.sections import child_section, letter_batch_section
        from ikc_share.selectors import register_child_section

        register_child_section(child_section)
        register_batch_section(letter_batch_section)

        from consent.todos import consent_todos
        from ikc_share.todos import register_todo_provider

        register_todo_provider(consent_todos)
