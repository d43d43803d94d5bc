"""Shared kernel: clock, errors, Vietnamese text folding, request ids, the hash-chained audit trail
and the transactional outbox.

Owns nothing of the domain: no dossier, agency or person lives here. Every other app may import it;
it imports no other ``dichvucong`` app.
"""
