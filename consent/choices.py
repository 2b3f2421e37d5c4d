"""The choices (enumerations) of the consent app's models. Other apps import these, never
the models themselves; each model keeps its nested name (e.g. `Membership.Role`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentRoundKind(models.TextChoices):
    REQUEST = "request", _("Verzoek om toestemming")
    REMINDER = "reminder", _("Herinnering")
    INFORM = "inform", _("Informeren (geen toestemming nodig)")


class ConsentRoundMailChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PAPER = "paper", _("Papieren brief")


class ConsentRoundMailStatus(models.TextChoices):
    PENDING = "pending", _("Nog te versturen")
    SENT = "sent", _("Verstuurd")
    HANDED_OVER = "handed_over", _("Op papier overhandigd")


class ConsentDecisionState(models.TextChoices):
    GIVEN = "given", _("Toestemming gegeven")
    REFUSED = "refused", _("Geweigerd")
    WITHDRAWN = "withdrawn", _("Ingetrokken")


class ConsentDecisionChannel(models.TextChoices):
    PORTAL = "portal", _("Online, door de ouder")
    PAPER = "paper", _("Op papier (formulier)")
    STAFF = "staff", _("Mondeling of telefonisch, vastgelegd door een medewerker")


class ConsentDecisionToldVia(models.TextChoices):
    NONE = "", "—"
    IN_PERSON = "in_person", _("Persoonlijk")
    PHONE = "phone", _("Telefonisch")


class ParentNoticeHow(models.TextChoices):
    EMAIL = "email", _("E-mail met de brief")
    PAPER = "paper", _("Papieren brief overhandigd")
    MEETING = "meeting", _("Driegesprek")
    PORTAL = "portal", _("Brief gelezen in het ouderportaal")


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("In behandeling")
    UPHELD = "upheld", _("Toegewezen: er wordt niets gedeeld")
    REJECTED = "rejected", _("Afgewezen")
