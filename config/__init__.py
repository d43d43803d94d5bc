"""Wiring only: settings read from the environment, URL routing, Celery, WSGI/ASGI."""

from .celery import app as celery_app

__all__ = ["celery_app"]
