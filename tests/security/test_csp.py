"""Content-Security-Policy: the header, and templates that need nothing inline."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Print templates are laid out by WeasyPrint on the server and never reach a browser, so
# their <style> blocks and style attributes are outside the policy.
BROWSER_TEMPLATES = [
    path
    for path in sorted(TEMPLATES.rglob("*.html"))
    if "print" not in path.relative_to(TEMPLATES).parts
]

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style\b", re.IGNORECASE)


def _offenders(pattern, paths=BROWSER_TEMPLATES):
    return [
        str(path.relative_to(TEMPLATES))
        for path in paths
        if pattern.search(path.read_text(encoding="utf-8"))
    ]


def test_there_are_templates_to_scan():
    assert len(BROWSER_TEMPLATES) > 50


def test_no_template_has_an_inline_script():
    assert _offenders(INLINE_SCRIPT, sorted(TEMPLATES.rglob("*.html"))) == []


def test_no_template_has_an_event_handler_attribute():
    assert _offenders(EVENT_HANDLER, sorted(TEMPLATES.rglob("*.html"))) == []


def test_no_template_has_a_javascript_url():
    assert _offenders(JAVASCRIPT_URL, sorted(TEMPLATES.rglob("*.html"))) == []


def test_no_browser_template_has_a_style_attribute():
    assert _offenders(STYLE_ATTRIBUTE) == []


def test_no_browser_template_has_a_style_block():
    assert _offenders(STYLE_BLOCK) == []


def test_the_scan_catches_what_it_looks_for():
    samples = {
        INLINE_SCRIPT: '<script>alert(1)</script><script src="/static/x.js"></script>',
        EVENT_HANDLER: '<button type="button" onclick="go()">',
        JAVASCRIPT_URL: '<a href="javascript:void(0)">',
        STYLE_ATTRIBUTE: '<div class="x" style="width:3px">',
    }
    assert all(pattern.search(text) for pattern, text in samples.items())
    assert not INLINE_SCRIPT.search('<script src="/static/js/app.js"></script>')


def _policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
def test_pages_carry_the_policy(client):
    policy = _policy(client.get(reverse("login")))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]


@pytest.mark.django_db
def test_the_policy_allows_nothing_inline_and_no_eval(client):
    header = client.get(reverse("login"))["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header


@pytest.mark.django_db
def test_logged_in_pages_carry_the_policy_too(client, secretary, tree):
    client.force_login(secretary)
    response = client.get(reverse("members:unit-detail", args=[tree.branch.pk]))
    assert _policy(response)["script-src"] == ["'self'"]


def test_cookies_are_sent_on_same_site_requests_only():
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"
