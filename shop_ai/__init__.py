"""Shop AI project package: settings, tenancy, the API shell and the Celery app."""

from shop_ai.celery import app as celery_app

__all__ = ["celery_app"]
