from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IkcShareConfig(AppConfig):
    name = "ikc_share"
    verbose_name = _("IKC core")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (login audit hooks)
