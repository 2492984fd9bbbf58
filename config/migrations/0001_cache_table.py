"""
The table of the shared cache (settings.CACHES, Django's database cache), made by migrate
so that no deployment forgets ``createcachetable``. It makes only the tables that are
missing, so running it again changes nothing.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
