"""Decree 61 statistics (Biểu số 06/VPCP/KSTT): exact, incremental daily rollups of the dossier log.

Owns the read model ``DailyRollup`` (kept by a listener on ``dossiers.hooks`` in the same transaction
as each ``DossierEvent``), its due-date log, the ``rebuild_rollups`` command, the report selectors, the
public ``GET /api/v1/statistics/`` endpoint, the XLSX/DOCX/PDF exports of Biểu 06 (and their background
``ExportJob`` and monthly ``ReportSubscription``), the dashboard selectors (``dashboards.py``) and the
open data files (``opendata.py``). It never changes a dossier. The pages themselves (public statistics,
leaders' dashboards) live in ``sites/``.
"""
