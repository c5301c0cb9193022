"""gunicorn's settings for Tique: `gunicorn -c gunicorn.conf.py` (what `make serve` runs).

Sync workers: Tique's views are synchronous and WSGI measured fastest for them (see
docs/admin/production.md). Everything a deployment changes comes from the environment:

- TIQUE_WEB_BIND      where to listen (default 127.0.0.1:8000; 0.0.0.0:8000 in a container)
- TIQUE_WEB_WORKERS   processes (default CPU cores + 1; see below)
- TIQUE_WEB_TIMEOUT   seconds a request may take before its worker is restarted (30)
- TIQUE_WEB_MAX_REQUESTS  requests after which a worker is replaced (10000, with jitter)
- TIQUE_WEB_ACCESS_LOG    "-" for stdout or a file path (default: no access log; the
                          proxy in front usually keeps one)
- TIQUE_FORWARDED_ALLOW_IPS  proxies whose X-Forwarded-* headers are trusted (127.0.0.1)
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None
    if number < 1:
        raise SystemExit(f"{name} must be at least 1, not {number}")
    return number


wsgi_app = "tique.wsgi:application"
bind = [os.environ.get("TIQUE_WEB_BIND", "127.0.0.1:8000")]
worker_class = "sync"
# One process per core and one more to use a core while another waits on the database.
# The pages are CPU-bound (templates, the ORM) and the database is fast: on the 2-core
# benchmark machine 3 workers served the history at 98 requests/s (p99 109 ms) where
# gunicorn's usual 2 × cores + 1 served 84 (p99 145 ms), the extra processes only
# taking turns on the same cores. Raise it where the database is far away.
workers = _int("TIQUE_WEB_WORKERS", multiprocessing.cpu_count() + 1)
timeout = _int("TIQUE_WEB_TIMEOUT", 30)
graceful_timeout = timeout
# A worker is replaced after this many requests (spread by the jitter so that they do
# not all restart at once): bounds the growth of any slow leak.
max_requests = _int("TIQUE_WEB_MAX_REQUESTS", 10000)
max_requests_jitter = max(1, max_requests // 10)
# The app is imported once in the master and the workers fork from it: faster start,
# shared memory, and an import error stops the server instead of looping workers.
preload_app = True
accesslog = os.environ.get("TIQUE_WEB_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("TIQUE_WEB_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("TIQUE_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Heartbeat files in memory, not on a disk that may stall (containers' /tmp on overlayfs):
# gunicorn's documented advice, not a temporary file of ours (hence S108).
SHARED_MEMORY = "/dev/shm"  # noqa: S108
if os.path.isdir(SHARED_MEMORY):
    worker_tmp_dir = SHARED_MEMORY


def when_ready(server: Any) -> None:
    """Before the first fork: compile the templates once in the master, so that every
    worker, including each one that replaces another, starts with them compiled."""
    from tique.core.warmup import compile_templates

    compile_templates()


def pre_fork(server: Any, worker: Any) -> None:
    """No database connection is ever shared by forked workers: close any the master
    opened (with preload_app, something imported at start-up might have)."""
    from django.db import connections

    connections.close_all()
