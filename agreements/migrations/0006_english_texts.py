# Issue 17.3: optional English versions of the directors' own texts (the explanation for
# parents, the balancing test, each item's justification) for the English letter. Existing
# versions get empty texts: their English letter keeps quoting the Dutch text.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0005_version_scope"),
    ]

    operations = [
        migrations.AddField(
            model_name="agreementversion",
            name="purpose_explanation_en",
            field=models.TextField(blank=True, default="", verbose_name="Uitleg voor ouders (Engels)"),
        ),
        migrations.AddField(
            model_name="agreementversion",
            name="balancing_test_en",
            field=models.TextField(blank=True, default="", verbose_name="Belangenafweging (Engels)"),
        ),
        migrations.AddField(
            model_name="agreementitem",
            name="justification_en",
            field=models.TextField(blank=True, default="", verbose_name="Waarom is dit nodig? (Engels)"),
        ),
    ]
