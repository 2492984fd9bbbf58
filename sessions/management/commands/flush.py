"""
Django's flush, inside seal maintenance: erasing the whole database also erases sealed
records, which the database's seal triggers would otherwise refuse (sessions.seal). The
test suite flushes after every transactional test through this command.
"""

from django.core.management.commands import flush

from sessions.seal import seal_maintenance


class Command(flush.Command):
    def handle(self, **options):
        with seal_maintenance(options["database"]):
            return super().handle(**options)
