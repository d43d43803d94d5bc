"""People who use the platform: citizens, businesses (with their member representatives) and officers,
and the roles they can hold.

Owns the user model, organisations and their members, and the role vocabulary. It does not own
where an officer works or what data they may see: that is ``agencies`` (assignments and data
scopes), because a scope is a subtree of the agency tree.
"""
