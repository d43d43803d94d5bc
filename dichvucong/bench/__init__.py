"""Load benchmarks of the running application (``make bench`` → ``manage.py bench``).

Owns the ``bench`` command and the bare endpoint it measures against (served only when
``BENCH_ENDPOINTS`` is true). Owns no models and no domain code; it sits on the top layer and
reaches the other apps only over HTTP, like a real client.
"""
