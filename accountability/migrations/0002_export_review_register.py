# Reserved for: issue 17.4/17.5 export review, register, incidents. Fill in the operations (hand-written, or copied from
# `DEBUG=1 .venv/bin/python manage.py makemigrations accountability --dry-run -v 3`, only your own models).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accountability", "0001_initial")]

    operations = []
