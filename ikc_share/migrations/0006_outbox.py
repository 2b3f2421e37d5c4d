# Reserved for: issue 19.4 outbox. Fill in the operations (hand-written, or copied from
# `DEBUG=1 .venv/bin/python manage.py makemigrations ikc_share --dry-run -v 3`, only your own models).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ikc_share", "0005_accountability_onboarding_own_apps")]

    operations = []
