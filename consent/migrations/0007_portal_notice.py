# Reserved for: issue 18 portal notice/consent page. Fill in the operations (hand-written, or copied from
# `DEBUG=1 .venv/bin/python manage.py makemigrations consent --dry-run -v 3`, only your own models).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("consent", "0006_processingrestriction")]

    operations = []
