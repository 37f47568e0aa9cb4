"""Wiring only: settings, URLs, ASGI/WSGI entry points, the Celery app and socket routes.

Nothing here holds logic and no app imports this package; it imports the apps.
"""

# Loading the Celery app with Django makes it the default app, so tasks defined with
# ``@shared_task`` in the apps bind to it without importing this package.
from config.celery import app as celery_app

__all__ = ["celery_app"]
