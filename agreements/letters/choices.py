"""The choices (enumerations) of the letters' models. Other apps import these, never the
models themselves; the model keeps its nested name (`LetterBatch.Status`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LetterBatchStatus(models.TextChoices):
    QUEUED = "queued", _("In de wachtrij")
    RUNNING = "running", _("Bezig")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")
