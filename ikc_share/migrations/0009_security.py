# Reserved for: issue 19.1/19.3/19.6 security. Fill in the operations (hand-written, or copied from
# `DEBUG=1 .venv/bin/python manage.py makemigrations ikc_share --dry-run -v 3`, only your own models).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ikc_share", "0008_organisation_contacts")]

    operations = []
