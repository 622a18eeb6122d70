"""`scripts/serve-production.sh` (`make serve-production`) end to end, as a newcomer
would start it: production settings, a fresh PostgreSQL database migrated by the script,
static files collected and served by WhiteNoise, sessions in Redis, gunicorn with
several workers and the background worker beside it, on a free loopback port.

PostgreSQL only (production runs on it); the server is started once for the module and
its database dropped afterwards.
"""

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = "redis://127.0.0.1:6379/13"
WORKERS = 2

pytestmark = pytest.mark.skipif(
    not URL.startswith("postgres"), reason="production runs on PostgreSQL"
)


@dataclass
class Site:
    base: str
    env: dict
    log: Path
    session: int

    def opener(self) -> urllib.request.OpenerDirector:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.jar = jar
        return opener

    def manage(self, *args: str) -> str:
        out = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert out.returncode == 0, out.stderr
        return out.stdout

    def processes(self, word: str) -> list[int]:
        """Processes of this server's session whose command line holds `word`."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if os.getsid(int(entry.name)) != self.session:
                    continue
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, ProcessLookupError):
                continue
            if word in command:
                found.append(int(entry.name))
        return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _psql(url: str, sql: str) -> None:
    subprocess.run(["psql", url, "-qc", sql], check=True, capture_output=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("production")
    database = f"vol_serve_{os.getpid()}"
    database_url = URL.rsplit("/", 1)[0] + "/" + database
    server_url = URL.rsplit("/", 1)[0] + "/postgres"
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_"))
    } | {
        "DATABASE_URL": database_url,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(WORKERS),
        "CACHE_LOCATION": REDIS_URL,
        "STATIC_ROOT": str(folder / "static"),
        "SECRET_KEY": "a-key-for-this-test-only-" + "x" * 40,
        "ID_NUMBER_KEYS": "c2VydmUtcHJvZHVjdGlvbi10ZXN0LW9ubHkta2V5LTA=",
        "ID_NUMBER_HASH_KEY": "an-id-number-hash-key-for-this-test-only-" + "y" * 10,
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    log = folder / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            ["bash", "scripts/serve-production.sh"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    served = Site(
        f"http://127.0.0.1:{port}",
        env | {"DJANGO_ENV": "production", "TASKS_BACKEND": "database"},
        log,
        server.pid,
    )
    try:
        deadline = time.monotonic() + 300
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not come up; its log:\n{log.read_text()}")
            try:
                urllib.request.urlopen(served.base + "/accounts/login/", timeout=5)  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        yield served
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)
        _psql(server_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _log_in(site: Site, username: str, password: str):
    opener = site.opener()
    form = opener.open(site.base + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password}
    ).encode()
    opener.open(site.base + "/accounts/login/", data=data)
    return opener


@pytest.fixture(scope="module")
def organiser(site):
    site.env["DJANGO_SUPERUSER_PASSWORD"] = "a long pass phrase 7"
    site.manage("createsuperuser", "--no-input", "--username", "ops", "--email", "ops@x.cn")
    return _log_in(site, "ops", "a long pass phrase 7")


def test_gunicorn_serves_with_several_workers_and_a_job_worker_beside_it(site):
    # gunicorn's master and its workers share one command line. The site can answer
    # before the last worker has forked, so give them a moment.
    deadline = time.monotonic() + 30
    while len(site.processes("gunicorn")) < WORKERS + 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(site.processes("gunicorn")) == WORKERS + 1
    assert len(site.processes("db_worker")) == 1


def test_static_files_are_collected_and_served_for_a_year(site):
    page = urllib.request.urlopen(site.base + "/accounts/login/").read().decode()  # noqa: S310
    css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page)
    assert css, "the page should link the collected, hashed stylesheet"
    response = urllib.request.urlopen(site.base + css.group(1))  # noqa: S310
    assert response.status == 200
    assert "max-age=315360000" in response.headers["Cache-Control"]


def test_pages_carry_the_security_headers(site):
    response = urllib.request.urlopen(site.base + "/accounts/login/")  # noqa: S310
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_log_in_keeps_its_session_in_redis(site, organiser):
    session = next(c.value for c in organiser.jar if c.name == "sessionid")
    keys = redis.Redis.from_url(REDIS_URL).keys(f"*{session}")
    assert len(keys) == 1
    home = organiser.open(site.base + "/").read().decode()
    assert 'action="/accounts/logout/"' in home


def test_a_long_job_is_run_by_the_background_worker(site, organiser):
    job_id = (
        site.manage(
            "shell",
            "-c",
            "from django.contrib.auth.models import User; from jobs import services; "
            "job = services.start_job(owner=User.objects.get(username='ops'), "
            "kind='tests.jobs.work.count_to', label='count', params={'steps': 3}); "
            "print(job.pk, job.status)",
        )
        .splitlines()[-1]
        .split()
    )
    assert job_id[1] == "queued"  # queued for the worker, not run in the shell
    status_url = f"{site.base}/jobs/{job_id[0]}/status.json"
    deadline = time.monotonic() + 120
    while True:
        status = json.loads(organiser.open(status_url).read())
        if status["status"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert status["status"] == "done", site.log.read_text()[-3000:]
    content = organiser.open(f"{site.base}/jobs/{job_id[0]}/file").read()
    assert content == b"counted to 3"
