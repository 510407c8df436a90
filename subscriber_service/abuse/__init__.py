"""Protection of the signup endpoints against abuse, without third-party services.

Views call :func:`subscriber_service.abuse.guard.signup_guard`; hosted forms
render what :func:`subscriber_service.abuse.guard.signup_form_context` gives.
"""
