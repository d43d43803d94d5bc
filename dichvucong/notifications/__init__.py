"""Telling people what happened: in-app inbox, e-mail over SMTP and SMS through a gateway adapter,
in Vietnamese and English, following each user's channel preferences.

Every send goes through the core outbox, so a notification is recorded in the same transaction as the
change it reports and delivered (with retries) after commit. Knows nothing of dossiers: callers pass
a template key and a context.
"""
