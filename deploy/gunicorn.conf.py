"""Gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py volunteer.wsgi`.

Every value can be changed from the environment, so one file serves the intranet server
and `make load` alike. docs/load.md has the measurements behind the defaults.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip() else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Threaded workers, measured against sync ones at 100 users (docs/load.md): a log-in
# hashes its password in a low-priority thread (volunteer/hashing.py) and its request
# thread waits; with sync workers each waiting log-in held a whole process, and a wave of
# log-ins stalled every page (p95 2.8 s against 0.3-0.5 s with threads). One process per
# core and one more, so the cores stay busy while a process waits on PostgreSQL; four
# threads each, so a few slow requests (a log-in, a PDF) never hold up the rest.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = _int("GUNICORN_THREADS", 4)

# The slowest legitimate request is a branch's batch of certificates as one PDF.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind a proxy that keeps connections open; harmless without one.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# A worker that served this many requests is replaced, with jitter so that they do not
# all restart together: protects against slow leaks in long-lived processes.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# Django's settings are imported before the workers fork: a broken setting stops the
# master at once instead of every worker failing in turn.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in {"1", "true", "yes", "on"}

# Logs go to stderr for the service manager (journald) unless a file is named.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client, time, request line, status, size, duration in ms, worker pid: enough to find a
# slow page and the worker that served it.
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms pid=%(p)s "%(a)s"'

# Gunicorn 25+ opens a control socket in $XDG_RUNTIME_DIR or ~/.gunicorn by default; the
# service does not use it. Name a path to have one (e.g. /run/volunteer/gunicorn.ctl).
_control = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
if _control:
    control_socket = _control
else:
    control_socket_disable = True

# Which proxies may set X-Forwarded-Proto (gunicorn's default: 127.0.0.1 only). REMOTE_ADDR
# stays the socket's peer, which the help form's flood limit counts by.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def when_ready(server):
    """Before the workers fork, do in the master what each worker's first request would
    otherwise do on its own: import every view (the URLconf pulls in WeasyPrint and
    openpyxl), compile every template, load the translations. Measured at about 4 s of the first request of
    each worker on the load test's machine (docs/load.md), and again after each
    max_requests restart."""
    if not server.cfg.preload_app:
        return
    from pathlib import Path

    from django.conf import settings
    from django.db import connections
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - the import is the point
    engine = engines["django"].engine
    for folder in engine.dirs:
        for path in Path(folder).rglob("*.html"):
            engine.get_template(str(path.relative_to(folder)))
    for code, _name in settings.LANGUAGES:
        translation.activate(code)  # loads the language's catalogues
    translation.deactivate()
    # Nothing above should touch the database; if it did, no worker may inherit it.
    connections.close_all()
    server.log.info("warmed up before forking the workers")
