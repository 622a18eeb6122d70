"""Hostile text typed into every text field stays text in every page, PDF and workbook.

Every editable CharField and TextField of the main objects (the URL-role table's objects,
plus a service log and a reviewed pledge) is overwritten with markup, a right-to-left
override and a spreadsheet formula, filled up to the field's max_length. Then every page
of the URL-role table is opened as the superuser and as the secretary.
"""

import datetime as dt
import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.pdf import pdf_text
from tests.test_url_roles import TABLE, _kwargs

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://x")'
RTL = "\u202e"
ITALIC = "<i>x</i>"
# Tried in this order; each piece that still fits is added, then the whole is repeated
# up to max_length (a very long value, cut wherever it falls).
PIECES = [FORMULA, SCRIPT, IMG, RTL, ITALIC]
RAW_MARKERS = ["<script>alert", "<img src=x", "<i>x</i>"]
LONG_TEXT = 3000

APPS = {"members", "posts", "scoring", "helpdesk", "inbox"}
# Codes, numbers and paths are made by the system and used in URLs and lookups.
NOT_TYPED = {
    "code",
    "path",
    "verify_code",
    "certificate_number",
    "number",
    "link",
    "id_number",
    "id_number_hash",
}


def hostile_value(max_length: int) -> str:
    value = ""
    for piece in PIECES:
        if len(value) + len(piece) <= max_length:
            value += piece
    value = value or RTL
    return (value * (max_length // len(value) + 1))[:max_length]


def _typed_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and field.editable
        and not field.choices
        and field.name not in NOT_TYPED
    ]


def fill_every_text_field() -> list[str]:
    """Overwrite the typed text of every row; returns the fields filled."""
    filled = []
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model.__name__.startswith("Historical"):
            continue
        # The base manager: ledgers refuse updates through their own, rightly, but a
        # reason typed into a correction is as hostile as any other text.
        rows = model._base_manager
        for field in _typed_fields(model):
            length = field.max_length or LONG_TEXT
            if field.unique:
                # A unique name: one distinct value per row.
                for pk in rows.values_list("pk", flat=True):
                    suffix = f"#{pk}"
                    value = hostile_value(length - len(suffix)) + suffix
                    rows.filter(pk=pk).update(**{field.name: value})
            else:
                rows.update(**{field.name: hostile_value(length)})
            filled.append(f"{model.__name__}.{field.name}")
    return filled


@pytest.fixture
def hostile(objects, secretary, member_user):
    from helpdesk import services as helpdesk_services
    from helpdesk.models import ServiceTeam
    from posts import services as post_services
    from posts.models import Pledge

    team = ServiceTeam.objects.get(pk=objects["team"])
    helpdesk_services.log_service(
        team=team,
        served_at=timezone.now() - dt.timedelta(hours=1),
        people_served="王大爷",
        category="daily_life",
        content="修好了水管",
        volunteers=list(team.volunteers.all()),
        hours=Decimal("2"),
        by=secretary,
    )
    post_services.approve_pledge(
        pledge=Pledge.objects.get(pk=objects["pledge"]), comment="很好", by=secretary
    )
    filled = fill_every_text_field()
    assert {"Member.name", "Unit.name", "Post.name", "HelpRequest.description"} <= set(filled)
    return objects


class _Markup(HTMLParser):
    """The elements a browser would build: hostile ones, and anything a CSP blocks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "script":
            self._in_script = True
            if "src" not in names:
                self.problems.append("inline <script>")
        if tag == "img" and ("src", "x") in attrs:
            self.problems.append("hostile <img>")
        if tag == "i" and not attrs:
            self.problems.append("hostile <i>")
        if any(name.startswith("on") for name in names):
            self.problems.append(f"event handler on <{tag}>")
        if "style" in names:
            self.problems.append(f"style attribute on <{tag}>")

    def handle_data(self, data):
        if self._in_script and "alert(1)" in data:
            self.problems.append("hostile script body")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def html_problems(html: str) -> list[str]:
    parser = _Markup()
    parser.feed(html)
    problems = parser.problems
    problems += [f"raw {marker!r}" for marker in RAW_MARKERS if marker in html]
    return problems


def pdf_problems(content: bytes) -> list[str]:
    text = pdf_text(content)
    problems = []
    if "&lt;" in text or "&gt;" in text or "&quot;" in text:
        problems.append("escaped twice in the PDF")
    if "alert(1)" not in text:
        problems.append("hostile text missing from the PDF")
    return problems


def xlsx_problems(content: bytes) -> list[str]:
    problems = []
    workbook = load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    problems.append(f"formula in {sheet.title}!{cell.coordinate}")
                elif isinstance(cell.value, str) and cell.value.startswith("="):
                    problems.append(f"formula text in {sheet.title}!{cell.coordinate}")
    return problems


# Pages that show no typed text of any object (so the PDF check has nothing to find).
PDFS_WITHOUT_TYPED_TEXT: set[str] = set()


def crawl(client, user, objects, role):
    client.force_login(user)
    problems = {}
    checked = {"html": 0, "pdf": 0, "xlsx": 0}
    for name, (key, expected) in sorted(TABLE.items()):
        if expected[role] != 200:
            continue
        url = reverse(name, kwargs=_kwargs(key, objects))
        response = client.get(url)
        found = []
        if response.status_code != 200:
            found.append(f"status {response.status_code}")
        else:
            content_type = response["Content-Type"]
            if content_type.startswith("text/html"):
                checked["html"] += 1
                found += html_problems(response.content.decode())
            elif content_type == "application/pdf":
                checked["pdf"] += 1
                if name not in PDFS_WITHOUT_TYPED_TEXT:
                    found += pdf_problems(response.content)
            elif "spreadsheetml" in content_type:
                checked["xlsx"] += 1
                found += xlsx_problems(response.content)
        if found:
            problems[name] = found
    return problems, checked


@pytest.mark.parametrize("role", ["superuser", "secretary"])
def test_hostile_text_stays_text_everywhere(client, hostile, superuser, secretary, role):
    user = {"superuser": superuser, "secretary": secretary}[role]
    problems, checked = crawl(client, user, hostile, role)
    assert problems == {}
    assert checked["html"] > 40 and checked["pdf"] >= 5 and checked["xlsx"] >= 3


def test_the_hostile_value_fills_a_field_and_keeps_every_piece_that_fits():
    assert len(hostile_value(200)) == 200
    assert hostile_value(200).startswith(FORMULA + SCRIPT + IMG + RTL)
    assert len(hostile_value(20)) == 20


def test_the_checks_catch_unescaped_markup():
    assert html_problems(f"<p>{SCRIPT}</p>")
    assert html_problems(f'<p title="{IMG}">')
    assert not html_problems("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")


def test_control_characters_in_a_name_do_not_break_the_roster_export(client, secretary, member):
    member.name = "李\x08秀\x1b英"
    member.save()
    client.force_login(secretary)
    response = client.get(reverse("members:roster-export", args=[member.branch_id]))
    assert response.status_code == 200
    names = [row[0] for row in load_workbook(io.BytesIO(response.content)).active.values]
    assert "李秀英" in names
