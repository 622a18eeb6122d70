"""Project-wide promises: production settings, no CDN, migrations, admin coverage."""

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k7#p2!vX9qLr@4mZ8sT1wY6nB3cF0hJ5dG-uE_aR.oI=tK/lP?xV",
    "ALLOWED_HOSTS": "volunteer.example.gov.cn",
    "ID_NUMBER_KEYS": "bXVzdC1iZS0zMi1ieXRlcy1sb25nLXRlc3Qta2V5LTE=",
    "ID_NUMBER_HASH_KEY": "a-hash-key-for-this-test-only-" + "h" * 20,
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DJANGO_ENV",
            "SECRET_KEY",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "ID_NUMBER_KEYS",
            "ID_NUMBER_HASH_KEY",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = PRODUCTION_ENV.copy()
    del env["SECRET_KEY"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("missing", ["ID_NUMBER_KEYS", "ID_NUMBER_HASH_KEY"])
def test_production_refuses_to_start_without_the_id_number_keys(missing):
    env = PRODUCTION_ENV.copy()
    del env[missing]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ID_NUMBER_KEYS and ID_NUMBER_HASH_KEY" in result.stderr


def test_production_refuses_the_published_development_id_number_key():
    env = PRODUCTION_ENV | {"ID_NUMBER_KEYS": settings.DEVELOPMENT_ID_NUMBER_KEY}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "development keys" in result.stderr


def test_a_malformed_id_number_key_is_a_system_check_error():
    result = _manage("check", env=PRODUCTION_ENV | {"ID_NUMBER_KEYS": "not-a-key"})
    assert result.returncode != 0
    assert "members.E001" in result.stderr


def test_seed_demo_refuses_to_run_under_production_settings():
    result = _manage("seed_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "production" in result.stderr.lower()


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_every_model_is_in_the_admin():
    ours = [
        m
        for m in apps.get_models()
        if m._meta.app_label in {"members", "posts", "scoring", "helpdesk"}
    ]
    missing = [
        m.__name__
        for m in ours
        if m not in admin.site._registry and not m.__name__.startswith("Historical")
    ]
    assert ours and missing == []


EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)
IMPORT_URL = re.compile(
    r"""@import\s+url\(\s*["']?(?:https?:)?//|url\(\s*["']?https?://""", re.IGNORECASE
)


def test_no_template_loads_anything_from_another_host():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if EXTERNAL.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_our_stylesheets_fetch_nothing_from_another_host():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "static").rglob("*.css")
        if IMPORT_URL.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_vendored_files_match_their_recorded_hashes():
    folder = ROOT / "static" / "vendor" / "bootstrap-5.3.8"
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.django_db
def test_pages_link_only_to_this_site(client, secretary, tree):
    client.force_login(secretary)
    for url in [
        reverse("home"),
        reverse("members:unit-detail", args=[tree.branch.pk]),
        reverse("members:member-list", args=[tree.branch.pk]),
        reverse("members:member-add", args=[tree.branch.pk]),
    ]:
        content = client.get(url).content.decode()
        assert not EXTERNAL.search(content), url


@pytest.mark.django_db
def test_static_files_are_served_by_the_app(client):
    response = client.get(settings.STATIC_URL + "vendor/bootstrap-5.3.8/bootstrap.min.css")
    assert response.status_code == 200


@pytest.mark.django_db
def test_every_page_has_exactly_one_h1(client, secretary, tree, member):
    client.force_login(secretary)
    for url in [
        reverse("home"),
        reverse("members:unit-detail", args=[tree.branch.pk]),
        reverse("members:member-list", args=[tree.branch.pk]),
        reverse("members:member-detail", args=[member.pk]),
        reverse("members:member-edit", args=[member.pk]),
        reverse("members:need-list", args=[tree.branch.pk]),
        reverse("members:roster-import", args=[tree.branch.pk]),
        reverse("password_change"),
    ]:
        assert client.get(url).content.decode().count("<h1") == 1, url


@pytest.mark.django_db
def test_dates_are_shown_in_chinese_by_default(client, secretary, member):
    client.force_login(secretary)
    content = client.get(reverse("members:member-detail", args=[member.pk])).content.decode()
    assert "1975年3月14日" in content


def test_production_collects_static_files_with_hashed_names(tmp_path):
    result = _manage(
        "collectstatic", "--no-input", "-v0", env=PRODUCTION_ENV | {"STATIC_ROOT": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
