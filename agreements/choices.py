"""The choices (enumerations) of the agreements app's models. Other apps import these, never
the models themselves; each model keeps its nested name (e.g. `Membership.Role`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    DEVELOPMENT_LINE = "development_line", _("Doorgaande ontwikkellijn kinderopvang → school")
    VVE_HANDOVER = "vve_handover", _("Overdracht voor- en vroegschoolse educatie (VVE)")
    BSO_SCHOOL = "bso_school", _("Afstemming dagelijkse zorg BSO en school")


class LegalBasis(models.TextChoices):
    CONSENT = "a", _("a. Toestemming van de ouders")
    CONTRACT = "b", _("b. Uitvoering van een overeenkomst")
    LEGAL_DUTY = "c", _("c. Wettelijke verplichting")
    VITAL_INTEREST = "d", _("d. Vitaal belang")
    PUBLIC_TASK = "e", _("e. Taak van algemeen belang")
    LEGITIMATE_INTEREST = "f", _("f. Gerechtvaardigd belang")


class Art9Condition(models.TextChoices):
    NONE = "", _("Geen (geen bijzondere persoonsgegevens)")
    EXPLICIT_CONSENT = "a", _("a. Uitdrukkelijke toestemming")
    VITAL_INTEREST = "c", _("c. Vitaal belang, betrokkene kan geen toestemming geven")
    SUBSTANTIAL_PUBLIC_INTEREST = "g", _("g. Zwaarwegend algemeen belang, op grond van een wet")
    HEALTH_CARE = "h", _("h. Gezondheidszorg of sociale zorg, door een beroepsgeheimhouder")


class GuardianPolicy(models.TextChoices):
    ONE_MAY_CONSENT = (
        "one",
        _("Eén ouder met gezag mag toestemming geven; een weigering of intrekking door een ouder met gezag blokkeert"),
    )  # noqa: E501
    ALL_MUST_CONSENT = "all", _("Alle ouders met gezag moeten toestemming geven")


class AgreementVersionStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    AWAITING_APPROVAL = "awaiting_approval", _("Wacht op goedkeuring")
    ACTIVE = "active", _("Actief")
    SUPERSEDED = "superseded", _("Vervangen door nieuwere versie")
    ENDED = "ended", _("Beëindigd")


class ApprovalDecision(models.TextChoices):
    APPROVED = "approved", _("Goedgekeurd")
    RETURNED = "returned", _("Teruggestuurd")
