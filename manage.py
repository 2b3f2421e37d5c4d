#!/usr/bin/env python
import os
import secrets
import sys

# Commands that only read the code and write files (migrations, translations, static files)
# and never sign, serve or send anything: without a SECRET_KEY they run with a throwaway key
# made for this process, so `manage.py makemigrations --check` works on a bare checkout. Every
# other command (runserver, migrate, check, the workers through ikc_share/celery.py, gunicorn
# through wsgi.py) still refuses to start without one when DEBUG is off.
OFFLINE_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate", "compile_translations", "collectstatic"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikc_share.settings")
    if len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS and not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = "offline-" + secrets.token_urlsafe(32)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
