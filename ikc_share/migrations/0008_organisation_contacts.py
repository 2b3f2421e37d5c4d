# Reserved for: issue 17.3 organisation/FG contact details. Fill in the operations (hand-written, or copied from
# `DEBUG=1 .venv/bin/python manage.py makemigrations ikc_share --dry-run -v 3`, only your own models).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ikc_share", "0007_keyed_audit_chain")]

    operations = []
