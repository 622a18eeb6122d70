"""The Simplified Chinese translation is complete and is what users see by default.

The compiled catalogue (django.mo) is git-ignored: `make install` (run by `make test`)
builds it with compilemessages.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"
LOGIN_URL = "/accounts/login/"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


def _entries(path: Path) -> list[dict]:
    """A tiny .po parser: one dict per entry, keyword -> text, plus its flags."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry: dict = {"flags": set()}
        keyword = None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := KEYWORD.match(line):
                keyword = match.group(1)
                entry[keyword] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and keyword:
                entry[keyword] += ast.literal_eval(line)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def _translations(entry: dict) -> list[str]:
    return [text for key, text in entry.items() if key.startswith("msgstr")]


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    assert PO_FILE.exists(), f"{PO_FILE} is missing: run `manage.py makemessages -l zh_Hans`"
    return _entries(PO_FILE)


@pytest.fixture(scope="module")
def messages(entries) -> list[dict]:
    """Every entry but the header."""
    return [entry for entry in entries if entry["msgid"]]


def test_the_catalogue_has_messages(messages):
    assert len(messages) > 100


def test_every_message_is_translated(messages):
    untranslated = [m["msgid"] for m in messages if not all(_translations(m))]
    assert not untranslated, f"untranslated messages: {untranslated}"


def test_no_message_is_fuzzy(entries):
    fuzzy = [e["msgid"] or "(header)" for e in entries if "fuzzy" in e["flags"]]
    assert not fuzzy, f"fuzzy messages: {fuzzy}"


def test_chinese_has_a_single_plural_form(entries, messages):
    header = next(e for e in entries if not e["msgid"])["msgstr"]
    assert "Plural-Forms: nplurals=1; plural=0;" in header
    assert "Language: zh_Hans" in header
    assert "charset=UTF-8" in header
    for message in messages:
        if "msgid_plural" in message:
            assert set(message) - {"flags", "msgid", "msgid_plural"} == {"msgstr[0]"}, message


def test_translations_keep_every_placeholder(messages):
    wrong = []
    for message in messages:
        expected = set(PLACEHOLDER.findall(message["msgid"]))
        expected |= set(PLACEHOLDER.findall(message.get("msgid_plural", "")))
        for text in _translations(message):
            if set(PLACEHOLDER.findall(text)) != expected:
                wrong.append((message["msgid"], text))
    assert not wrong, f"placeholders differ: {wrong}"


def test_the_compiled_catalogue_is_up_to_date():
    assert MO_FILE.exists(), f"{MO_FILE} is missing: run `make install`"
    assert MO_FILE.stat().st_mtime >= PO_FILE.stat().st_mtime, (
        f"{MO_FILE} is older than {PO_FILE}: run `make install`"
    )


@pytest.mark.django_db
def test_the_login_page_is_in_chinese_by_default(client):
    content = client.get(LOGIN_URL).content.decode()
    assert "登录" in content
    assert "Log in" not in content


@pytest.mark.django_db
def test_the_language_cookie_switches_the_login_page_to_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(LOGIN_URL).content.decode()
    assert "Log in" in content
    assert "登录" not in content


@pytest.mark.django_db
def test_choosing_english_in_the_language_switch_shows_english(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": LOGIN_URL}, follow=True
    )
    assert response.redirect_chain[-1][0] == LOGIN_URL
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Log in" in response.content.decode()


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese_until_english_is_chosen(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in response.content.decode()
