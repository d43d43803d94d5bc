"""The organisation tree: agencies with QCVN 102 codes, kinds, validity dates and office hours, the
officers assigned to them with a role, and the data scope those assignments grant.

Data scopes (agency subtree × fields) are enforced here in one place (``scopes.py``) so that no list
or detail anywhere can leak across scopes.
"""
