"""The choices (enumerations) of the transfers app's models. Other apps import these, never
the models themselves; each model keeps its nested name (e.g. `Membership.Role`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TransferMethod(models.TextChoices):
    IN_APP = "in_app", _("Delen in de app")
    MEETING = "meeting", _("Driegesprek")


class TransferState(models.TextChoices):
    DRAFT = "draft", _("Concept")
    PARENTS_READING = "parents_reading", _("Ter inzage bij ouders")
    PARENTS_TALK = "parents_talk", _("Ouders willen eerst praten")
    CONFIRMED = "confirmed", _("Ouders akkoord, nog niet verzonden")
    SENT = "sent", _("Verzonden")
    RECORDED = "recorded", _("Driegesprek vastgelegd")
    STOPPED = "stopped", _("Niet verzonden, inhoud vernietigd")
    ERASED = "erased", _("Gewist na verzending")


class TransferStopReason(models.TextChoices):
    NONE = "", "—"
    CANCELLED = "cancelled", _("Door de verzender ingetrokken")
    PARENTS_REFUSED = "parents_refused", _("Ouders wilden het niet")
    CONSENT = "consent", _("Toestemming geweigerd of ingetrokken")
    OBJECTION = "objection", _("Bezwaar van ouders")


class TransferParentsAnswer(models.TextChoices):
    NONE = "", "—"
    CONFIRMED = "confirmed", _("Akkoord")
    TALK = "talk", _("Eerst praten")
    REFUSED = "refused", _("Niet akkoord")


class ReceivedTransferRemoval(models.TextChoices):
    NONE = "", "—"
    RETENTION = "retention", _("Bewaartermijn verstreken")
    ERASURE = "erasure", _("Gewist op verzoek van de verzender (art. 17 en 19 AVG)")
    RECEIVER = "receiver", _("Gewist door de ontvanger (art. 17 AVG)")


class ReceivedErasureReason(models.TextChoices):
    """Why the RECEIVING organisation erased its own copy (transfers/services/erasure.py)."""

    NONE = "", "—"
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Toestemming ingetrokken (art. 7 lid 3 en art. 17 lid 1 onder b AVG)")
    ERASURE_REQUEST = "erasure_request", _("Verzoek van de ouders om verwijdering (art. 17 AVG)")
    NOT_NEEDED = "not_needed", _("Niet meer nodig voor het doel (art. 17 lid 1 onder a AVG)")


class TransferMailKind(models.TextChoices):
    PARENTS_READ = "parents_read", _("Ouders lezen mee")
    RECEIVED = "received", _("Overdracht klaar voor ontvanger")
    CORRECTED = "corrected", _("Overdracht gecorrigeerd")
    ERASED = "erased", _("Overdracht gewist")
    ERASE_DUE = "erase_due", _("Kopie te wissen: toestemming ingetrokken")
    ERASE_REMINDER = "erase_reminder", _("Herinnering: kopie nog te wissen")
