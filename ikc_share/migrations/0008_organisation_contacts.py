# Issue 17.3: the privacy officer's (FG's) own contact details on the organisation, printed in
# the information letter (GDPR art. 13(1)(b)). Blank by default: existing rows migrate as they are.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ikc_share", "0007_keyed_audit_chain")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="privacy_officer_email",
            field=models.EmailField(blank=True, max_length=254, verbose_name="privacy officer's e-mail"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="privacy_officer_phone",
            field=models.CharField(blank=True, max_length=30, verbose_name="privacy officer's phone"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="privacy_officer_address",
            field=models.CharField(blank=True, max_length=255, verbose_name="privacy officer's postal address"),
        ),
    ]
