# A unique token for every existing person, in three steps (Django docs, "Migrations that
# add unique fields"): add the column nullable, fill each row with its own token, then make
# it unique and required. The fill step uses the historical model and never app code.

import secrets

from django.db import migrations, models

import committees.models


def fill_calendar_tokens(apps, schema_editor):
    Person = apps.get_model("committees", "Person")
    people = list(Person.objects.filter(calendar_token__isnull=True).only("pk"))
    for person in people:
        person.calendar_token = secrets.token_urlsafe(32)
    Person.objects.bulk_update(people, ["calendar_token"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="calendar_token",
            field=models.CharField(
                editable=False,
                max_length=43,
                null=True,
                verbose_name="clave del calendario personal",
            ),
        ),
        migrations.RunPython(fill_calendar_tokens, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="person",
            name="calendar_token",
            field=models.CharField(
                default=committees.models.new_calendar_token,
                editable=False,
                max_length=43,
                unique=True,
                verbose_name="clave del calendario personal",
            ),
        ),
    ]
