# Issue 17.1: the scope of an agreement version (which children of the sending
# organisation it concerns). Existing versions get no locations, no ages and no VVE
# limit: they keep concerning every child, as before.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0004_transfers_own_app"),
        ("ikc_share", "0002_audit_append_only_trigger"),
    ]

    operations = [
        migrations.AddField(
            model_name="agreementversion",
            name="scope_locations",
            field=models.ManyToManyField(
                blank=True,
                help_text="Locaties van de verzendende organisatie; geen keuze = alle locaties.",
                related_name="scoped_agreement_versions",
                to="ikc_share.location",
                verbose_name="voor kinderen op deze locaties",
            ),
        ),
        migrations.AddField(
            model_name="agreementversion",
            name="scope_min_age",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="voor kinderen vanaf (jaar)"),
        ),
        migrations.AddField(
            model_name="agreementversion",
            name="scope_max_age",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="voor kinderen tot en met (jaar)"
            ),
        ),
        migrations.AddField(
            model_name="agreementversion",
            name="scope_vve_only",
            field=models.BooleanField(default=False, verbose_name="alleen voor kinderen met een VVE-programma"),
        ),
        migrations.AddConstraint(
            model_name="agreementversion",
            constraint=models.CheckConstraint(
                condition=models.Q(scope_min_age__isnull=True)
                | models.Q(scope_max_age__isnull=True)
                | models.Q(scope_min_age__lte=models.F("scope_max_age")),
                name="agreement_version_scope_age_order",
            ),
        ),
    ]
