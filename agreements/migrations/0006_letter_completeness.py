# Reserved for: issue 17.3 letter completeness. Fill in the operations (hand-written, or copied from
# `DEBUG=1 .venv/bin/python manage.py makemigrations agreements --dry-run -v 3`, only your own models).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("agreements", "0005_version_scope")]

    operations = []
