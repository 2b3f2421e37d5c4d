"""gunicorn settings for the web processes (read from the working directory by default).

Sync workers, two per container by default: the pages are CPU-bound Python with a dozen or
two short queries each, and on the scale benchmark (bench/results.md) two sync workers
serve about twice the requests of two threaded workers (2 × 4 gthread) at the same
concurrency, with half the p95: threads of one process take turns on the GIL, and kept-
alive connections pile up on whichever worker accepted them. The one long response, the
audit trail's CSV export, streams at about 200,000 rows/s, so even a million events finish
in seconds, far within the timeout. Sync workers expect a buffering reverse proxy in front
(the TLS terminator: nginx, Traefik, a load balancer), so that a slow client does not hold
a worker. Every value can be set from the environment.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# Web processes keep no state of their own (files go through the storage API, sessions and
# caches to the database or Redis), so they can be restarted and multiplied freely.
