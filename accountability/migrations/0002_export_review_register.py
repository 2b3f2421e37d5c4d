"""Issue 17.4/17.5: the review and release of an access export (art. 15(4)), processors and the
controller's legal status in the register (art. 28, 30), an incident's reason for delay
(art. 33(1)) and its notice to the parents (art. 34). Only new columns (with defaults or
nullable) and new tables: an existing database migrates forward without loss."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import F

import accountability.rights.models


def released_before(apps, schema_editor):
    """A request fulfilled before the review step existed: its export was already the parent's
    to download; it stays so, as the released version."""
    RightsRequest = apps.get_model("accountability", "RightsRequest")
    RightsRequest.objects.filter(status="fulfilled", export_status="ready").update(
        released_json=F("export_json"),
        released_pdf=F("export_pdf"),
        released_sha256=F("export_sha256"),
        export_released_at=F("export_generated_at"),
        export_status="released",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="delay_reason",
            field=models.TextField(blank=True, verbose_name="reden van de vertraging (art. 33 lid 1)"),
        ),
        migrations.AddField(
            model_name="incident",
            name="parents_notice_channel",
            field=models.CharField(
                blank=True,
                choices=[
                    ("email", "E-mail"),
                    ("letter", "Brief"),
                    ("in_person", "Persoonlijk gesprek"),
                    ("phone", "Telefonisch"),
                ],
                default="",
                max_length=10,
                verbose_name="verstuurd via",
            ),
        ),
        migrations.AddField(
            model_name="incident",
            name="parents_notice_text",
            field=models.TextField(blank=True, verbose_name="bericht aan de ouders (art. 34)"),
        ),
        migrations.AddField(
            model_name="rightsrequest",
            name="export_released_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="rightsrequest",
            name="export_review",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="rightsrequest",
            name="export_reviewed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="rightsrequest",
            name="export_reviewed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="rightsrequest",
            name="released_json",
            field=models.FileField(
                blank=True, max_length=200, upload_to=accountability.rights.models.rights_export_upload_to
            ),
        ),
        migrations.AddField(
            model_name="rightsrequest",
            name="released_pdf",
            field=models.FileField(
                blank=True, max_length=200, upload_to=accountability.rights.models.rights_export_upload_to
            ),
        ),
        migrations.AddField(
            model_name="rightsrequest",
            name="released_sha256",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name="rightsrequest",
            name="export_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "—"),
                    ("queued", "Wordt gemaakt"),
                    ("ready", "Klaar om te controleren"),
                    ("releasing", "Wordt vrijgegeven"),
                    ("released", "Vrijgegeven"),
                    ("failed", "Mislukt"),
                ],
                default="",
                max_length=10,
            ),
        ),
        migrations.CreateModel(
            name="ControllerSetting",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "public_authority",
                    models.BooleanField(default=False, verbose_name="bestuursorgaan (openbaar onderwijs)"),
                ),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "organisation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="controller_setting",
                        to="ikc_share.organisation",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Processor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, verbose_name="naam van de verwerker")),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("hosting", "Hosting (servers en opslag)"),
                            ("email", "E-mail versturen"),
                            ("supplier", "Leverancier van de app (beheer en ondersteuning)"),
                            ("backup", "Back-ups"),
                            ("other", "Anders"),
                        ],
                        max_length=10,
                        verbose_name="rol",
                    ),
                ),
                ("service", models.CharField(blank=True, max_length=300, verbose_name="wat de verwerker doet")),
                (
                    "country",
                    models.CharField(default="NL", max_length=2, verbose_name="land waar de gegevens worden verwerkt"),
                ),
                (
                    "safeguards",
                    models.TextField(blank=True, verbose_name="waarborgen bij doorgifte buiten de EER (art. 44-49)"),
                ),
                (
                    "agreement_on",
                    models.DateField(
                        blank=True, null=True, verbose_name="verwerkersovereenkomst (art. 28) gesloten op"
                    ),
                ),
                ("activities", models.JSONField(blank=True, default=list)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("ended_on", models.DateField(blank=True, null=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="processors",
                        to="ikc_share.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["role", "name", "pk"],
                "indexes": [models.Index(fields=["organisation", "ended_on"], name="processor_org_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("role__in", ["hosting", "email", "supplier", "backup", "other"])),
                        name="processor_role_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("country__regex", "^[A-Z]{2}$")), name="processor_country_code"
                    ),
                ],
            },
        ),
        migrations.RunPython(released_before, migrations.RunPython.noop),
    ]
