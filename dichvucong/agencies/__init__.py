"""The organisation tree: agencies with QCVN 102 codes, kinds, validity dates and office hours, the
officers assigned to them with a role, and the data scope those assignments grant (O17, X8, E6).

Owns ``Agency`` (materialised ``path`` for subtree queries, kept by ``services``), ``OfficeHours``,
``Assignment``, the CSV importer (``manage.py import_agencies``, fixtures in ``data/``), and the
city-admin-only Django admin. Data scopes (agency subtree × fields) are computed in ONE place,
``scopes.py``; ``permissions.py`` asks them who may change what; ``selectors.py`` never returns an
object outside the caller's scope.

Does not own: people and organisations (``accounts``; officer accounts are created through
``services.create_officer`` here so the scope is checked), field (lĩnh vực) definitions
(``procedures``: assignments only store their codes), working-day calendars and deadlines.
"""
