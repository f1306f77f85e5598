import os

from django.core.wsgi import get_wsgi_application

from jobboard.startup import freeze_startup_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings.production")

application = get_wsgi_application()
freeze_startup_objects()
