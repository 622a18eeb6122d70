"""No answer is a server error: every page, as every role, with whatever is typed.

The crawl takes the URL × role table (tests/test_url_roles.py) and its objects. For each
row it

* opens the page as every role the table lets in (the others' answers are the table's
  own assertions), and the same path with each argument out of range: ids 0, 2⁶³ and
  10²⁰, years 0, 9999 and 99999, month 13, codes of 2 000 characters, markup or a NUL;
* follows the page's links to the pages behind them (other objects, other states: a
  returned paper pledge, a declined choice) and opens each link's and GET form's query
  parameters (?year=, ?state=, ?page=…) with hostile values;
* reads every <form method="post"> of those pages (as the first role that sees that
  form) and submits it to its action: nothing at all, every field blank, the form as
  shown (with each of its submit buttons), the form filled in plausibly, every box
  ticked, the fields of another existing row of the form's model (a duplicate name),
  each field at and one past its maxlength, min and max, and the filled form with one
  kind of field (text, number, date, choice and hidden) over-long, hostile, NUL,
  beyond 32 and 64 bits, negative, not a number, an impossible date or a row that
  does not exist;
* posts the plausibly filled form as a member, a read-only overseer and another
  branch's secretary too.

Every answer must be below 500: a form error, a message, a 403 or a 404, never a server
error. Each request runs in a savepoint rolled back after it, so every variant meets the
same rows. A failure lists every (method, URL, role, variant) that answered 5xx with the
exception it raised and where; CRAWL_TRACEBACKS=1 prints the tracebacks. It runs on
PostgreSQL (`make test-postgres`).
"""

import copy
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.db import connection, models, transaction
from django.forms import BaseForm, ModelForm
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from tests import test_url_roles as url_table
from tests.test_url_roles import _no_pdf_layout  # noqa: F401 (an autouse fixture)

# The crawl runs on PostgreSQL only: it is the strict engine (32-bit integer columns,
# NUL in text, typed comparisons), so whatever SQLite would let through is tried there,
# and the suite saves the crawl's minute and a half on the other engine.
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the crawl runs on PostgreSQL"
)


def load() -> tuple[dict, dict]:
    """The table's people and objects, built once for the module, and a year whose
    evaluations are still open (the table's 2026 is published): its forms (ballots,
    paper counts, assessment, self-report) are shown only then."""
    from posts import services as post_services
    from scoring import evaluation as year_end
    from tests.factories import PostFactory

    people, objects = url_table.load()
    member = people["member"].member_file
    post = PostFactory(branch=member.branch, year=2025, name="2025年治安巡逻岗")
    choice = post_services.apply_for_post(member=member, post=post, by=people["member"])
    post_services.confirm_choice(choice=choice, by=people["secretary"])
    year_end.open_evaluations(branch=member.branch, year=2025, by=people["secretary"])
    objects["open_evaluation"] = member.evaluations.get(year=2025).pk
    return people, objects


# Pages beyond the table's rows, as (view name, kwargs from the objects): other states of
# the same objects. Opened as every role.
MORE_PAGES = {
    "open evaluation": ("scoring:evaluation-detail", lambda o: {"pk": o["open_evaluation"]}),
    "open self-report": ("scoring:evaluation-self-report", lambda o: {"pk": o["open_evaluation"]}),
    "open year": ("scoring:evaluation-branch", lambda o: {"pk": o["branch"], "year": 2025}),
    # Entered from paper by the secretary, then returned: once a server error for an
    # organiser opening it.
    "paper pledge": ("posts:pledge-detail", lambda o: {"pk": o["returned_pledge"]}),
}

TODAY = "2026-12-01"
LONG = "长" * 10_000
HOSTILE = (
    "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>'; DROP TABLE posts_post;-- "
    "=cmd|' /C calc'!A0 @SUM(1+1) \u202e😀🇨🇳 %s %(name)s {{ x }} ../../etc/passwd"
)
TEXT_VALUES = {"long": LONG, "hostile": HOSTILE, "NUL": "a\x00b", "spaces": "   \t\r\n "}
# Beyond a 32-bit and a 64-bit column, below zero, not numbers; "²" is a digit to
# str.isdigit() but not to int().
NUMBER_VALUES = {
    "2**31": str(2**31),
    "2**63": str(2**63),
    "-1": "-1",
    "-0": "-0",
    "1e309": "1e309",
    "NaN": "NaN",
    "²": "²",
    "NUL": "1\x00",
}
DATE_VALUES = {
    "0000-00-00": "0000-00-00",
    "9999-12-31": "9999-12-31",
    "0001-01-01": "0001-01-01",
    "2026-02-30": "2026-02-30",
    "year 99999": "99999-01-01",
    "words": "yesterday",
}
# For selects, radios, ticks and hidden ids: no such row, beyond any key, not a number.
CHOICE_VALUES = {"no such row": "987654321", "2**63": str(2**63), "letters": "abc", "NUL": "\x00"}
PATH_NUMBERS = ["0", str(2**63), str(10**20)]
PATH_TEXTS = ["x" * 2_000, "<script>", "\x00"]
PATH_DATES = ["0", "9999", "99999", "13"]
QUERY_VALUES = [str(2**63), "-1", "²", HOSTILE + "\x00", LONG[:2_000]]

# Logging out is not tried: the crawl's clients keep their log-ins.
NOT_SUBMITTED = {reverse("logout")}
# Who else posts each form, as one who may not or may only read: a member, a read-only
# overseer, another branch's secretary.
OTHER_ROLES = ["member", "town", "neighbour_secretary"]


# --- reading forms ----------------------------------------------------------------------

TEXT_TYPES = {"text", "email", "tel", "url", "search", "password", "textarea"}
DATE_TYPES = {"date", "datetime-local", "time", "month", "week"}
NUMBER_TYPES = {"number", "range"}
CHECK_TYPES = {"checkbox", "radio"}
BUTTON_TYPES = {"submit", "image"}


@dataclass
class Field:
    name: str
    kind: str  # an input type, "textarea" or "select"
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    multiple: bool = False
    attrs: dict = field(default_factory=dict)

    @property
    def group(self) -> str:
        """Which values it gets: text, number, date, choice, hidden or file."""
        if self.kind in TEXT_TYPES:
            return "date" if re.search(r"date|_on$|_at$", self.name) else "text"
        if self.kind in DATE_TYPES:
            return "date"
        if self.kind in NUMBER_TYPES:
            return "number"
        if self.kind in CHECK_TYPES or self.kind == "select":
            return "choice"
        return self.kind  # hidden, file


@dataclass
class Form:
    page: str
    action: str
    method: str
    multipart: bool
    fields: list[Field] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return (self.action, tuple(sorted({f.name for f in self.fields})))


class _Forms(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._text: Field | None = None  # a textarea or an option being read
        self._select: Field | None = None
        self._option: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and attrs.get("href"):
            self.links.append(urljoin(self.page, attrs["href"]))
        elif tag == "form":
            self._form = Form(
                page=self.page,
                action=urljoin(self.page, attrs.get("action") or self.page),
                method=(attrs.get("method") or "get").lower(),
                multipart="multipart" in attrs.get("enctype", ""),
            )
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if name == "csrfmiddlewaretoken":
            return
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in BUTTON_TYPES:
                if name:
                    self._form.buttons.append((name, attrs.get("value", "")))
            elif name and kind not in {"reset", "button"}:
                self._form.fields.append(
                    Field(
                        name,
                        kind,
                        value=attrs.get("value", "on" if kind in CHECK_TYPES else ""),
                        checked="checked" in attrs,
                        attrs=attrs,
                    )
                )
        elif tag == "button" and attrs.get("type", "submit") == "submit" and name:
            self._form.buttons.append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._text = Field(name, "textarea", attrs=attrs)
            self._form.fields.append(self._text)
        elif tag == "select" and name:
            self._select = Field(name, "select", multiple="multiple" in attrs, attrs=attrs)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            if "value" in attrs:
                self._add_option(attrs["value"], "selected" in attrs)
            else:
                self._option = attrs  # the value is the option's text

    def _add_option(self, value: str, selected: bool) -> None:
        self._select.options.append(value)
        if selected:
            self._select.selected.append(value)

    def handle_data(self, data):
        if self._text is not None:
            self._text.value += data
        elif self._option is not None and self._select is not None:
            self._add_option(data.strip(), "selected" in self._option)
            self._option = None

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._text = None
        elif tag == "select":
            self._select = None


def read_page(url: str, html: str) -> tuple[list[Form], list[str]]:
    parser = _Forms(url)
    parser.feed(html)
    return parser.forms, parser.links


# --- what a browser would send, and the variants ---------------------------------------


def as_shown(form: Form) -> dict[str, list[str]]:
    """What a browser sends for the form untouched."""
    data: dict[str, list[str]] = {}
    for f in form.fields:
        if f.kind in CHECK_TYPES:
            if f.checked:
                data.setdefault(f.name, []).append(f.value)
        elif f.kind == "select":
            chosen = f.selected or ([] if f.multiple or not f.options else f.options[:1])
            data.setdefault(f.name, []).extend(chosen)
        elif f.kind != "file":
            data.setdefault(f.name, []).append(f.value)
    return data


PLAUSIBLE_TEXT = {"email": "a@example.com", "tel": "13905751234", "url": "https://example.com"}


MARKER = "测试内容"
TYPED_KINDS = {"text", "textarea", "search"}


def filled(form: Form) -> dict[str, list[str]]:
    """The form as shown, every empty field given a plausible value; what one types into
    each text field is marked (测试内容1, 测试内容2…) to find it again on a refusal."""
    data = as_shown(form)
    radios = {f.name for f in form.fields if f.kind == "radio"}
    for number, f in enumerate(form.fields, start=1):
        if f.kind in TYPED_KINDS and f.group == "text":
            data[f.name] = [f"{MARKER}{number}"]
        elif f.kind == "select" and not [v for v in data.get(f.name, []) if v]:
            options = [o for o in f.options if o]
            data[f.name] = options[:1]
        elif f.kind == "radio" and f.name in radios and not data.get(f.name):
            data[f.name] = [f.value]
        elif f.kind in TEXT_TYPES | DATE_TYPES | NUMBER_TYPES and not any(data.get(f.name, [])):
            if f.group == "date" or f.kind in DATE_TYPES:
                data[f.name] = [TODAY if f.kind != "time" else "10:00"]
            elif f.kind in NUMBER_TYPES:
                data[f.name] = [f.attrs.get("min") or "1"]
            else:
                data[f.name] = [PLAUSIBLE_TEXT.get(f.kind, MARKER)]
    return data


def _set(data, form: Form, groups: set[str], value: str | Callable[[Field], str]):
    data = dict(data)
    for f in form.fields:
        if f.group in groups:
            data[f.name] = [value(f) if callable(value) else value]
    return data


def _limit(f: Field, over: int) -> str:
    if f.group == "text" and f.attrs.get("maxlength", "").isdigit():
        return "长" * (int(f.attrs["maxlength"]) + over)
    if f.group == "number":
        if over and f.attrs.get("max"):
            return str(int(float(f.attrs["max"])) + over)
        if f.attrs.get("min"):
            return str(int(float(f.attrs["min"])) - over)
        return f.attrs.get("max") or "1"
    return f.value


def variants(form: Form, duplicate: dict[str, list[str]]) -> Iterator[tuple[str, dict]]:
    base = filled(form)
    groups = {f.group for f in form.fields}
    yield "nothing", {}
    yield "blank", {f.name: [""] for f in form.fields if f.kind != "file"}
    yield "as shown", as_shown(form)
    yield "filled", base
    ticked = dict(base)
    for f in form.fields:
        if f.kind == "checkbox":
            ticked.setdefault(f.name, [])
            if f.value not in ticked[f.name]:
                ticked[f.name] = [*ticked[f.name], f.value]
        elif f.kind == "select" and f.multiple:
            ticked[f.name] = [o for o in f.options if o]
    yield "all ticked", ticked
    if duplicate:
        yield "duplicate of an existing row", base | duplicate
    if groups & {"text", "number"}:
        yield "at the limits", _set(base, form, {"text", "number"}, lambda f: _limit(f, 0))
        yield "over the limits", _set(base, form, {"text", "number"}, lambda f: _limit(f, 1))
    if "text" in groups:
        for label, value in TEXT_VALUES.items():
            yield f"text {label}", _set(base, form, {"text"}, value)
    if groups & {"number", "hidden"}:
        for label, value in NUMBER_VALUES.items():
            yield f"number {label}", _set(base, form, {"number", "hidden"}, value)
    if "date" in groups:
        for label, value in DATE_VALUES.items():
            yield f"date {label}", _set(base, form, {"date"}, value)
    if groups & {"choice", "hidden"}:
        for label, value in CHOICE_VALUES.items():
            yield f"choice {label}", _set(ticked, form, {"choice", "hidden"}, value)


def with_files(form: Form, data: dict, label: str) -> dict:
    data = dict(data)
    for f in form.fields:
        if f.kind == "file" and label not in {"nothing", "blank"}:
            data[f.name] = SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not a workbook \x00")
    return data


def _model_forms(response) -> list[BaseForm]:
    found = []
    for context in response.context or []:
        for layer in getattr(context, "dicts", [context]):
            for value in layer.values() if isinstance(layer, dict) else []:
                if isinstance(value, ModelForm) and value not in found:
                    found.append(value)
    return found


def duplicate_values(response) -> dict[str, list[str]]:
    """The fields of an existing row of the page's model forms' models (another row than
    the one edited): what a user typing the name of an existing post, type or member
    sends."""
    values: dict[str, list[str]] = {}
    for form in _model_forms(response):
        model = form._meta.model
        other = model._default_manager.exclude(pk=form.instance.pk).order_by("pk").first()
        if other is None:
            continue
        for name in form.fields:
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue  # a form field of its own
            if isinstance(model_field, models.ManyToManyField):
                raw = [str(pk) for pk in getattr(other, name).values_list("pk", flat=True)]
            elif isinstance(model_field, models.ForeignKey):
                raw = [str(getattr(other, model_field.attname) or "")]
            else:
                raw = [str(model_field.value_from_object(other) or "")]
            values[form.add_prefix(name)] = raw
    return values


# --- requesting --------------------------------------------------------------------------


class Crawl:
    """A client per role, and the server errors met, each with the exception it raised."""

    def __init__(self, people: dict):
        self.people = people
        self.clients: dict[str, Client] = {}
        self.errors: list[str] = []
        self.lost: list[str] = []
        self._exception = ""

    def client(self, role: str) -> Client:
        if role not in self.clients:
            client = Client(raise_request_exception=False)
            if self.people[role] is not None:
                client.force_login(self.people[role])
            self.clients[role] = client
        return self.clients[role]

    def _caught(self, sender, **kwargs):
        kind, value, trace = sys.exc_info()
        where = traceback.extract_tb(trace)[-1] if trace else None
        place = (
            f" at {'/'.join(where.filename.rsplit('/', 2)[-2:])}:{where.lineno}" if where else ""
        )
        self._exception = f"{kind.__name__ if kind else '?'}: {str(value)[:200]}{place}"
        if os.environ.get("CRAWL_TRACEBACKS"):
            traceback.print_exc()

    def request(self, method: str, url: str, role: str, label: str, data=None):
        """One request in a savepoint rolled back after it, the client's session cookie
        kept as it was (a log-in or log-out inside is undone with its rows)."""
        self._exception = ""
        cache.clear()  # log-in throttles and the help form's rate limit
        client = self.client(role)
        cookies = client.cookies
        client.cookies = copy.deepcopy(cookies)
        got_request_exception.connect(self._caught)
        try:
            with transaction.atomic():
                send = client.get if method == "get" else client.post
                response = send(url, data or {})
                transaction.set_rollback(True)
        finally:
            got_request_exception.disconnect(self._caught)
            client.cookies = cookies
        if response.status_code >= 500:
            self.errors.append(
                f"{method.upper()} {url[:160]!r} as {role} [{label}]: "
                f"{response.status_code} {self._exception}"
            )
        return response

    def check_kept(self, response, form: Form, role: str, label: str, data: dict) -> None:
        """A refusal shows again what was typed and ticked: a page answering the post (a
        form with its errors) holds every marked value sent and has every box sent still
        ticked, every option sent still selected; a redirect with an error message holds
        none, so it may follow only a post where nothing was typed."""
        url = form.action
        typed = [
            value
            for values in data.values()
            for value in (values if isinstance(values, list) else [values])
            if isinstance(value, str) and re.fullmatch(f"{MARKER}[0-9]+", value)
        ]
        if not typed:
            return
        where = f"POST {url[:160]!r} as {role} [{label}]"
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            page = response.content.decode()
            missing = [value for value in typed if value not in page]
            missing += _unticked(form, data, read_page(url, page)[0])
            if missing:
                self.lost.append(f"{where}: the refusal dropped {missing}")
        elif response.status_code == 302:
            stored = getattr(response.wsgi_request, "_messages", None)
            queued = getattr(stored, "_queued_messages", [])
            if any(message.level >= messages.ERROR for message in queued):
                self.lost.append(f"{where}: refused with a redirect, dropping {typed}")


def _unticked(sent: Form, data: dict, forms: list[Form]) -> list[str]:
    """The boxes and options ticked in `data` that the form shown again has lost."""
    again = next((f for f in forms if f.action == sent.action and f.method == "post"), None)
    if again is None:
        return []
    shown: dict[str, set[str]] = {}
    for f in again.fields:
        values = shown.setdefault(f.name, set())
        if f.kind in CHECK_TYPES and f.checked:
            values.add(f.value)
        elif f.kind == "select":
            values.update(f.selected)
    lost = []
    for f in sent.fields:
        if f.kind not in CHECK_TYPES | {"select"} or f.name not in shown:
            continue
        offered = {f.value} if f.kind in CHECK_TYPES else set(f.options)
        ticked = set(data.get(f.name, [])) & offered - {""}
        lost += [f"{f.name}={value}" for value in sorted(ticked - shown[f.name])]
    return sorted(set(lost))


def _path_variants(name: str, kwargs: dict) -> Iterator[tuple[str, str]]:
    """The URL with each of its arguments out of range, one at a time."""
    for key, value in kwargs.items():
        if key in {"year", "month"}:
            replacements = PATH_DATES
        else:
            replacements = PATH_NUMBERS if isinstance(value, int) else PATH_TEXTS
        for replacement in replacements:
            try:
                url = reverse(name, kwargs=kwargs | {key: replacement})
            except NoReverseMatch:
                continue  # no path has it (a year of five digits): nothing to request
            yield f"{key}={replacement[:12]!r}", url


def _numbers_out(path: str) -> str:
    return re.sub(r"[0-9]+", "N", path)


def _query_parameters(links: list[str], forms: list[Form]) -> set[tuple[str, str]]:
    """(path, parameter) pairs the page links to or asks for in a GET form."""
    pairs = set()
    for link in links:
        parts = urlsplit(link)
        if parts.netloc in {"", "testserver"}:
            for param, _value in parse_qsl(parts.query, keep_blank_values=True):
                pairs.add((parts.path, param))
    for form in forms:
        if form.method == "get":
            pairs.update((urlsplit(form.action).path, f.name) for f in form.fields)
    return pairs


def _table_pages(objects: dict) -> set[str]:
    """The paths of the table's rows: each crawled by its own test."""
    return {
        reverse(name, kwargs=url_table._kwargs(key, objects))
        for name, (key, _expected) in url_table.TABLE.items()
    }


def _same_site(link: str) -> str | None:
    parts = urlsplit(link)
    if parts.scheme not in {"", "http"} or parts.netloc not in {"", "testserver"}:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _page_kind(target: str) -> tuple | None:
    """What makes a linked page worth opening: its view, the objects it shows and the
    names of its query's parameters (another month of the same tally is not)."""
    parts = urlsplit(target)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    objects = tuple(sorted((k, v) for k, v in match.kwargs.items() if k not in {"year", "month"}))
    params = tuple(sorted({name for name, _v in parse_qsl(parts.query, keep_blank_values=True)}))
    return (match.view_name, objects, params)


# Across the module's tests: a form, a linked page or a query parameter met on several
# pages is tried once, where it is first met.
SEEN_FORMS: set = set()
SEEN_PAGES: set = set()
SEEN_QUERIES: set = set()


@pytest.mark.parametrize("page", [*sorted(url_table.TABLE), *MORE_PAGES])
def test_no_answer_is_a_server_error(seeded, page):
    people, table_objects = seeded
    if page in MORE_PAGES:
        name, make_kwargs = MORE_PAGES[page]
        kwargs, expected = make_kwargs(table_objects), dict.fromkeys(url_table.ROLES, 200)
    else:
        name, (key, expected) = page, url_table.TABLE[page]
        kwargs = url_table._kwargs(key, table_objects)
    url = reverse(name, kwargs=kwargs)
    crawl = Crawl(people)
    forms: dict[tuple, tuple[str, Form, dict]] = {}

    def visit(page: str, role: str, label: str) -> list[str]:
        response = crawl.request("get", page, role, label)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return []
        page_forms, links = read_page(page, response.content.decode())
        duplicate = duplicate_values(response)
        for form in page_forms:
            if form.method == "post" and form.key not in forms and form.key not in SEEN_FORMS:
                forms[form.key] = (role, form, duplicate)
        for path, param in sorted(_query_parameters(links, page_forms)):
            if (_numbers_out(path), param) not in SEEN_QUERIES:
                SEEN_QUERIES.add((_numbers_out(path), param))
                for value in QUERY_VALUES:
                    crawl.request("get", f"{path}?{urlencode({param: value})}", role, f"?{param}=")
        return links

    table_pages = _table_pages(table_objects)
    for role in [role for role, status in expected.items() if status == 200]:
        for link in visit(url, role, "as the table"):
            target = _same_site(link)
            if not target or urlsplit(target).path in table_pages:
                continue
            kind = _page_kind(target)
            if kind and (role, kind) not in SEEN_PAGES:
                SEEN_PAGES.add((role, kind))
                visit(target, role, f"linked from {url}")

    post_only = set(expected.values()) == {405}
    for label, changed in _path_variants(name, kwargs or {}):
        crawl.request("post" if post_only else "get", changed, "superuser", label)

    for form_key, (role, form, duplicate) in forms.items():
        SEEN_FORMS.add(form_key)
        if urlsplit(form.action).path in NOT_SUBMITTED:
            continue
        for label, data in variants(form, duplicate):
            buttons = form.buttons or [None]
            for button in buttons if label in {"filled", "as shown"} else buttons[:1]:
                payload = with_files(form, data, label)
                if button:
                    payload[button[0]] = button[1]
                label = f"{label} {button or ''}".strip()
                response = crawl.request("post", form.action, role, label, payload)
                crawl.check_kept(response, form, role, label, payload)
        for other in OTHER_ROLES:
            if other != role:
                crawl.request("post", form.action, other, "filled, by another role", filled(form))

    assert crawl.errors == [], "\n".join(crawl.errors)
    assert crawl.lost == [], "\n".join(crawl.lost)
