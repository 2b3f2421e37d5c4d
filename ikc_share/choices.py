"""The choices (enumerations) of the ikc_share app's models. Other apps import these, never
the models themselves; each model keeps its nested name (e.g. `Membership.Role`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    CHILDCARE = "childcare", _("Kinderopvangorganisatie")
    SCHOOL = "school", _("Schoolbestuur")


class LocationKind(models.TextChoices):
    DAYCARE = "daycare", _("Dagopvang")
    PRESCHOOL = "preschool", _("Peuteropvang")
    BSO = "bso", _("Buitenschoolse opvang (BSO)")
    SCHOOL = "school", _("Basisschool")


class MembershipRole(models.TextChoices):
    DIRECTOR = "director", _("Directeur")
    STAFF = "staff", _("Medewerker")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer (FG)")


class ChildVveProgramme(models.TextChoices):
    NONE = "", _("Geen VVE-programma")
    UK_EN_PUK = "uk_en_puk", "Uk & Puk"
    PIRAMIDE = "piramide", "Piramide"
    STARTBLOKKEN = "startblokken", "Startblokken"
    KALEIDOSCOOP = "kaleidoscoop", "Kaleidoscoop"
    OTHER = "other", _("Ander programma")


class GuardianLanguage(models.TextChoices):
    NL = "nl", "Nederlands"
    EN = "en", "English"


class GuardianshipRelation(models.TextChoices):
    PARENT = "parent", _("Ouder")
    CARER = "carer", _("Verzorger")
    GUARDIAN = "guardian", _("Voogd")
