"""Plumbing shared by the three services.

Only what is truly common lives here: reading settings from the environment,
health checks, service-to-service authentication, logging, the Celery app
factory and the base HTTP client. No business logic, no models.
"""
