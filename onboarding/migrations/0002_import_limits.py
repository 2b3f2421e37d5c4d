# Reserved for: issue 19.2 import limits. Fill in the operations (hand-written, or copied from
# `DEBUG=1 .venv/bin/python manage.py makemigrations onboarding --dry-run -v 3`, only your own models).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0001_initial")]

    operations = []
