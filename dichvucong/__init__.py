"""dichvucong: the city's Public Service Portal, One-Stop-Shop system and Satisfaction evaluation.

One Django project, one app per bounded context (see docs/architecture.md and STYLE.md).
"""
