# Issue 17.2: the receiving organisation erases its own copy (art. 17 AVG), e.g. after the
# parents withdrew the consent it was shared on; the tombstone keeps who and why (a code).
# New e-mail kinds: the receiver's director/privacy contact told a copy is to be erased.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("transfers", "0003_inbox_covering_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="receivedtransfer",
            name="removal_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "—"),
                    ("consent_withdrawn", "Toestemming ingetrokken (art. 7 lid 3 en art. 17 lid 1 onder b AVG)"),
                    ("erasure_request", "Verzoek van de ouders om verwijdering (art. 17 AVG)"),
                    ("not_needed", "Niet meer nodig voor het doel (art. 17 lid 1 onder a AVG)"),
                ],
                default="",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="receivedtransfer",
            name="removed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="receivedtransfer",
            name="removal",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "—"),
                    ("retention", "Bewaartermijn verstreken"),
                    ("erasure", "Gewist op verzoek van de verzender (art. 17 en 19 AVG)"),
                    ("receiver", "Gewist door de ontvanger (art. 17 AVG)"),
                ],
                default="",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="transfermail",
            name="kind",
            field=models.CharField(
                choices=[
                    ("parents_read", "Ouders lezen mee"),
                    ("received", "Overdracht klaar voor ontvanger"),
                    ("corrected", "Overdracht gecorrigeerd"),
                    ("erased", "Overdracht gewist"),
                    ("erase_due", "Kopie te wissen: toestemming ingetrokken"),
                    ("erase_reminder", "Herinnering: kopie nog te wissen"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="receivedtransfer",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("removal", "receiver"), ("removed_at__isnull", False)),
                    ("removal_reason", ""),
                    _connector="OR",
                ),
                name="received_erasure_reason_only_when_erased_by_receiver",
            ),
        ),
    ]
