from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IkcShareConfig(AppConfig):
    name = "ikc_share"
    verbose_name = _("IKC core")

    def ready(self) -> None:
        from django.urls import register_converter

        from ikc_share import receivers  # noqa: F401  (login audit hooks)
        from ikc_share.http import IdConverter

        # `<id:pk>` in every app's URLs: a possible row id, or the route does not match (404).
        register_converter(IdConverter, "id")
