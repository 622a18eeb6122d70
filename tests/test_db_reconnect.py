"""After PostgreSQL drops a connection (a restart, a failover, an idle timeout), the next
request gets a fresh one by itself: DATABASES has CONN_MAX_AGE and conn_health_checks,
and the request cycle calls close_if_unusable_or_obsolete (close_old_connections) when
a request starts. PostgreSQL only: the backend is killed with pg_terminate_backend from
a second connection."""

import time
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, close_old_connections, connection, connections

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
    # No wrapping transaction: the test's own connection is the one cut.
    pytest.mark.django_db(transaction=True),
]


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _terminate(pid: int) -> None:
    """Kill the backend from another connection and wait until it is gone."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            for _ in range(50):
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone()[0] == 0:
                    return
                time.sleep(0.05)
    finally:
        other.close()
    raise AssertionError(f"backend {pid} is still there")


def _get(path: str) -> int:
    """A request through Django's WSGI handler, which (unlike the test client) starts
    and ends it with close_old_connections, as gunicorn's workers do."""
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET"}
    setup_testing_defaults(environ)
    statuses = []
    response = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    response.close()
    return int(statuses[0].split()[0])


def test_production_settings_keep_connections_and_check_them():
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_a_cut_connection_fails_when_nothing_checks_it():
    """The problem the health check solves: a kept connection that the server dropped."""
    pid = _backend_pid()
    _terminate(pid)
    with pytest.raises(OperationalError):
        _backend_pid()
    connection.close()


def test_the_next_query_after_a_request_start_gets_a_new_connection():
    pid = _backend_pid()
    _terminate(pid)
    close_old_connections()  # what the request_started signal runs
    assert _backend_pid() != pid


def test_the_next_request_answers_after_the_connection_was_cut():
    assert _get("/helpdesk/ask/") == 200
    pid = _backend_pid()
    _terminate(pid)
    assert _get("/helpdesk/ask/") == 200
    assert _backend_pid() != pid
