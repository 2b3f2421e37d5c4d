# Reserved for: issue 17.1 agreement scope. Fill in the operations (hand-written, or copied from
# `DEBUG=1 .venv/bin/python manage.py makemigrations agreements --dry-run -v 3`, only your own models).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("agreements", "0004_transfers_own_app")]

    operations = []
