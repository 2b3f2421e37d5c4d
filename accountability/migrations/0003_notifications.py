# Reserved for: issue 18 notifications. Fill in the operations (hand-written, or copied from
# `DEBUG=1 .venv/bin/python manage.py makemigrations accountability --dry-run -v 3`, only your own models).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accountability", "0002_export_review_register")]

    operations = []
