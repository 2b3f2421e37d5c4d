# Reserved for: issue 17.2 erasure of received copies. Fill in the operations (hand-written, or copied from
# `DEBUG=1 .venv/bin/python manage.py makemigrations transfers --dry-run -v 3`, only your own models).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("transfers", "0003_inbox_covering_indexes")]

    operations = []
