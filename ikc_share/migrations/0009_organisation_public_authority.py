# Issue 17.4: whether the organisation is an administrative authority (the board of a public
# school) now lives on the organisation itself, so the consent layer can name the remedy when it
# rejects an objection. Copies the flag the director recorded earlier in accountability's
# ControllerSetting (kept as a legacy mirror, no longer read). Default False: existing rows
# migrate as they are.
from django.db import migrations, models


def copy_from_controller_setting(apps, schema_editor):
    Organisation = apps.get_model("ikc_share", "Organisation")
    try:
        ControllerSetting = apps.get_model("accountability", "ControllerSetting")
    except LookupError:
        ControllerSetting = None
    if ControllerSetting is not None:
        if ControllerSetting._meta.db_table not in schema_editor.connection.introspection.table_names():
            return
        ids = list(ControllerSetting.objects.filter(public_authority=True).values_list("organisation_id", flat=True))
    else:
        # The accountability model is not in this migration's state: read its table if it exists.
        table = "accountability_controllersetting"
        if table not in schema_editor.connection.introspection.table_names():
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT organisation_id FROM {table} WHERE public_authority")  # noqa: S608
            ids = [row[0] for row in cursor.fetchall()]
    if ids:
        Organisation.objects.filter(pk__in=ids).update(is_public_authority=True)


class Migration(migrations.Migration):
    dependencies = [("ikc_share", "0008_organisation_contacts")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="is_public_authority",
            field=models.BooleanField(
                default=False, verbose_name="Openbaar bestuursorgaan (openbare school: bezwaar volgens de Awb)"
            ),
        ),
        migrations.RunPython(copy_from_controller_setting, migrations.RunPython.noop),
    ]
