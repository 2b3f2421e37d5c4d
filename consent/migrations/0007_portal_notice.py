# Issue 18: a parent who reads the letter in the portal and decides is informed by it (a
# ParentNotice how="portal", with the letter's SHA-256).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("consent", "0006_processingrestriction")]

    operations = [
        migrations.RemoveConstraint(model_name="parentnotice", name="parent_notice_how"),
        migrations.AlterField(
            model_name="parentnotice",
            name="how",
            field=models.CharField(
                choices=[
                    ("email", "E-mail met de brief"),
                    ("paper", "Papieren brief overhandigd"),
                    ("meeting", "Driegesprek"),
                    ("portal", "Brief gelezen in het ouderportaal"),
                ],
                max_length=7,
            ),
        ),
        migrations.AddConstraint(
            model_name="parentnotice",
            constraint=models.CheckConstraint(
                condition=models.Q(("how__in", ["email", "paper", "meeting", "portal"])), name="parent_notice_how"
            ),
        ),
    ]
