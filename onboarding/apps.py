from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = _("Onboarding")

    def ready(self) -> None:
        from ikc_share.services import register_member_invitation
        from onboarding.invitations import member_invitation_create

        # The core's membership_invite sends a new person this invitation to set a password.
        register_member_invitation(member_invitation_create)
