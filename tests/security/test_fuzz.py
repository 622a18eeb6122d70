"""Fuzzing the roster upload and the main write forms with Hypothesis.

Whatever arrives, the answer is a page with a clear message (or a redirect on valid
data), never a server error, and nothing is saved from bad input.
"""

import datetime as dt
import functools
import io
import time
import zipfile
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from members.models import Member, RosterImport
from members.roster import COLUMNS
from posts.models import PledgeVersion, Post
from scoring.models import Activity
from tests.factories import next_id_number, roster_file

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _upload(client, branch_pk: int, content: bytes, name: str = "roster.xlsx"):
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(reverse("members:roster-import", args=[branch_pk]), {"file": file})


def _shows_file_error(response) -> bool:
    return response.status_code == 200 and bool(response.context["form"].errors.get("file"))


@pytest.fixture
def uploader(client, secretary, tree):
    client.force_login(secretary)
    return client


def _counts():
    return Member.objects.count(), RosterImport.objects.count()


# -- the roster upload --------------------------------------------------------------


@FUZZ
@given(content=st.binary(max_size=4096))
def test_random_bytes_are_refused_with_a_message(uploader, tree, content):
    before = _counts()
    response = _upload(uploader, tree.branch.pk, content)
    assert _shows_file_error(response)
    assert _counts() == before


@functools.cache
def _valid_roster() -> bytes:
    return roster_file(
        [{"name": "张三", "id_number": next_id_number(), "category": "在册党员"}] * 2
    )


@FUZZ
@given(cut=st.floats(min_value=0.0, max_value=0.999))
def test_a_truncated_workbook_is_refused_with_a_message(uploader, tree, cut):
    whole = _valid_roster()
    before = _counts()
    response = _upload(uploader, tree.branch.pk, whole[: int(len(whole) * cut)])
    assert _shows_file_error(response)
    assert _counts() == before


@FUZZ
@given(
    name=st.sampled_from(["xl/workbook.xml", "xl/worksheets/sheet1.xml", "[Content_Types].xml"]),
    junk=st.binary(max_size=300),
)
def test_a_zip_with_a_damaged_part_is_refused_with_a_message(uploader, tree, name, junk):
    source = zipfile.ZipFile(io.BytesIO(_valid_roster()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as damaged:
        for item in source.namelist():
            damaged.writestr(item, junk if item == name else source.read(item))
    before = _counts()
    response = _upload(uploader, tree.branch.pk, buffer.getvalue())
    assert response.status_code in {200, 302}
    if response.status_code == 200:
        assert _shows_file_error(response)
        assert _counts() == before
    else:  # openpyxl read what was left: a preview, and still no member
        assert Member.objects.count() == before[0]


HEADER_TEXTS = {str(c.label) for c in COLUMNS}
cell_values = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
)


@FUZZ
@given(headers=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=6))
def test_wrong_headers_are_refused_with_a_message(uploader, tree, headers):
    assume(not HEADER_TEXTS & {h.strip() for h in headers})
    from volunteer.xlsx import rows_to_xlsx

    before = _counts()
    content = rows_to_xlsx(headers, [["张三"] * len(headers)])
    response = _upload(uploader, tree.branch.pk, content)
    assert _shows_file_error(response)
    assert _counts() == before


@settings(FUZZ, max_examples=20)
@given(
    rows=st.lists(st.lists(cell_values, min_size=len(COLUMNS), max_size=len(COLUMNS)), max_size=4)
)
def test_random_cells_never_break_the_import_nor_save_a_bad_member(uploader, tree, rows):
    from volunteer.xlsx import rows_to_xlsx

    members_before = Member.objects.count()
    content = rows_to_xlsx([str(c.label) for c in COLUMNS], rows)
    response = _upload(uploader, tree.branch.pk, content)
    assert response.status_code in {200, 302}
    if response.status_code == 200:
        assert _shows_file_error(response)
        return
    preview = uploader.get(response["Location"])
    assert preview.status_code == 200
    report = preview.context["report"]
    saved = uploader.post(response["Location"], {"save": "1"})
    assert saved.status_code in {200, 302}
    if not report.is_valid:
        assert Member.objects.count() == members_before


# -- the main write forms -----------------------------------------------------------


class _Fields(HTMLParser):
    """Names of a page's form fields, and the option values of its selects."""

    def __init__(self):
        super().__init__()
        self.names: dict[str, list[str]] = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag in {"input", "textarea", "select"} and name and name != "csrfmiddlewaretoken":
            values = self.names.setdefault(name, [])
            if (
                tag == "input"
                and attrs.get("value")
                and attrs.get("type") in {"checkbox", "radio", "hidden"}
            ):
                values.append(attrs["value"])
            self._select = name if tag == "select" else None
        elif tag == "option" and self._select and attrs.get("value"):
            self.names[self._select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_fields(client, url) -> dict[str, list[str]]:
    page = client.get(url)
    assert page.status_code == 200
    parser = _Fields()
    parser.feed(page.content.decode())
    assert parser.names, url
    return parser.names


def field_value(known: list[str]):
    return st.one_of(
        st.none(),
        st.text(max_size=60),
        st.text(max_size=3000),
        st.integers(min_value=-(10**9), max_value=10**9).map(str),
        st.dates().map(str),
        *([st.sampled_from(known)] if known else []),
    )


@st.composite
def form_data(draw, fields: dict[str, list[str]]):
    data = {}
    for name, known in fields.items():
        value = draw(field_value(known))
        if value is not None:
            data[name] = value.replace("\x00", "")  # a NUL never gets past the browser
    return data


def _fuzz_form(client, url, model, data, *, ok=frozenset({200, 302})):
    before = model.objects.count()
    response = client.post(url, data)
    assert response.status_code in ok
    if response.status_code != 302:
        assert model.objects.count() == before


def _fuzz(url_of, model, *, as_user, ok=frozenset({200, 302}), extra=None):
    """A test that posts random data to one form."""

    @pytest.mark.django_db
    def test(client, objects, request):
        client.force_login(request.getfixturevalue(as_user))
        url = url_of(objects)
        fields = form_fields(client, url)

        @FUZZ
        @given(data=form_data(fields))
        def run(data):
            cache.clear()
            data.update(extra() if extra else {})
            _fuzz_form(client, url, model, data, ok=ok)

        run()

    return test


test_member_add_takes_any_post = _fuzz(
    lambda o: reverse("members:member-add", args=[o["branch"]]), Member, as_user="secretary"
)
test_post_add_takes_any_post = _fuzz(
    lambda o: reverse("posts:post-add", args=[o["branch"]]), Post, as_user="secretary"
)
test_activity_add_takes_any_post = _fuzz(
    lambda o: reverse("scoring:activity-add", args=[o["branch"]]), Activity, as_user="secretary"
)
test_pledge_edit_takes_any_post = _fuzz(
    lambda o: reverse("posts:pledge-edit", args=[o["pledge"]]), PledgeVersion, as_user="member_user"
)


def _issued():
    from helpdesk import antispam

    return {"issued": antispam.issue_token(time.time() - 120), "website": ""}


@pytest.mark.django_db
def test_the_public_help_form_takes_any_post(client, objects):
    from helpdesk.models import HelpRequest

    url = reverse("helpdesk:ask-form", args=[objects["branch"]])
    fields = form_fields(client, url)

    @FUZZ
    @given(data=form_data(fields), fresh=st.booleans())
    def run(data, fresh):
        cache.clear()
        if fresh:
            data.update(_issued())
        # An invalid form answers 400 here: a resident's browser shows it all the same.
        _fuzz_form(client, url, HelpRequest, data, ok={200, 302, 400})

    run()
