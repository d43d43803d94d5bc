"""Satisfaction evaluation (HTĐGHL): criteria, ratings per dossier stage and officer, scores, ranking.

Owns the versioned questionnaire (the 9 indices of Decree 61 Art. 31 / Circular 01/2018 plus the
citizen's convenience and overall satisfaction, stored as rows with stable index keys), the ratings
given on the portal, on kiosks and through signed phone links, the "unhappy" follow-ups, the fraud
report and the figures computed from the dossier event log. It does not own dossiers (it reads their
events and supplement requests) nor the petitions of the ``feedback`` app.
"""
