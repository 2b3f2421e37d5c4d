"""The Celery application. Tasks are thin: they take primary keys and call a service."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikc_share.settings")

app = Celery("ikc_share")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Sub-packages with their own tasks module (autodiscovery looks at installed apps only).
