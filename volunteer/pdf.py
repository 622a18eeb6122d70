"""The print layer: Django template -> HTML -> PDF through WeasyPrint, with no network.

Every printed document (pledge certificate, post certificate, points card, badge, team
contact card, result notice) goes through `render_pdf`. A batch is one template that
repeats a `.page` element per item (see templates/print/base.html), so a branch's whole
batch comes out as one multi-page PDF, never one file per page.

Resources are fetched by `StaticOnlyFetcher`: files found by the staticfiles finders (or
under STATIC_ROOT) for URLs under STATIC_URL, and `data:` URLs. Nothing else is read,
and nothing ever goes over the network. A refused resource is logged by WeasyPrint
(logger "weasyprint", level ERROR: "Failed to load image at ...") and left out; the PDF
still renders.

Fonts come from fontconfig (Debian's fonts-noto-cjk), named "Noto Serif CJK SC" /
"Noto Sans CJK SC" in the base template; WeasyPrint embeds a subset of each face used.
"""

import mimetypes
import os
from collections.abc import Callable, Sequence
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils._os import safe_join
from django.utils.cache import patch_cache_control
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from volunteer.filenames import content_disposition

# The base URL every print document is laid out against. `{% static %}` gives
# "/static/...", which WeasyPrint joins onto this base before asking the fetcher. It is
# an https URL only because urllib.parse.urljoin resolves relative references solely for
# schemes it knows (a made-up "app-static:" scheme would leave them unresolved); the host
# is in the reserved .invalid TLD (RFC 6761), and the fetcher maps it to files on disk
# without ever resolving or connecting to it.
PRINT_BASE_URL = "https://print.invalid/"


class ResourceRefused(ValueError):
    """A print document asked for a resource the print layer does not serve."""


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves static files from disk and `data:` URLs only.

    Accepted: URLs under STATIC_URL joined onto PRINT_BASE_URL (what `{% static %}`
    produces in a print template), or under an absolute STATIC_URL, mapped to the file
    the staticfiles finders return, else to the file under STATIC_ROOT (where the
    hashed names of the manifest storage live in production). Refused with
    `ResourceRefused`: every other scheme or host (http, https, file, ftp, ...), paths
    with `..` or `.` segments (also percent-encoded), and files that do not exist.
    """

    def __init__(self):
        # Only data: may reach the parent's urllib opener; everything else is handled
        # (or refused) here before any opener is involved.
        super().__init__(allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url, headers=None):
        if urlsplit(url).scheme.lower() == "data":
            return super().fetch(url, headers)
        path = self.static_file_path(url)
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with open(path, "rb") as file:
            body = file.read()
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    @staticmethod
    def static_prefix() -> str:
        return urljoin(PRINT_BASE_URL, settings.STATIC_URL)

    def static_file_path(self, url: str) -> str:
        """Return the file on disk that `url` names, or raise ResourceRefused."""
        prefix = self.static_prefix()
        if not url.startswith(prefix):
            raise ResourceRefused(f"Not a static file URL, refused: {url[:200]}")
        remainder = url[len(prefix) :].split("#", 1)[0].split("?", 1)[0]
        relative = unquote(remainder)
        segments = relative.split("/")
        if (
            not relative
            or "\\" in relative
            or "\x00" in relative
            or any(segment in {"", ".", ".."} for segment in segments)
        ):
            raise ResourceRefused(f"Unsafe static path, refused: {url[:200]}")
        found = finders.find(relative)
        if found and os.path.isfile(found):
            return found
        if settings.STATIC_ROOT:
            try:
                candidate = safe_join(settings.STATIC_ROOT, relative)
            except SuspiciousFileOperation:
                raise ResourceRefused(f"Unsafe static path, refused: {url[:200]}") from None
            if os.path.isfile(candidate):
                return candidate
        raise ResourceRefused(f"No such static file: {url[:200]}")


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a print template (extending print/base.html) to PDF bytes.

    For a batch, pass all items in one context and let the template repeat a `.page`
    element per item: the result is one PDF with one page (or more) per item.

    Paper goes on village notice boards and into files: it is always printed in the
    site's language (Simplified Chinese), whatever language the person clicking uses.
    """
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context, request=request)
    document = HTML(string=html, base_url=PRINT_BASE_URL, url_fetcher=StaticOnlyFetcher())
    return document.write_pdf()


def render_pdf_in_parts(
    template_name: str,
    items: Sequence,
    build: Callable[[Sequence], dict],
    *,
    part_size: int,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """Render a batch part by part and write its pages as one PDF.

    `items` are laid out `part_size` at a time, each part from the context
    `build(part)`; the pages of all parts are then written as a single PDF, the same
    pages `render_pdf` gives for the whole batch, since every item is its own `.page`.
    A batch's template must therefore not count pages across items (no "page 3 of 40"
    in a margin box): each part counts its own. No items: one part with none, so the
    template can say the batch is empty.

    `progress(done, total)` is called at the start, after each part is laid out and
    after every `part_size` pages are written, so that long work reports how far it
    got (and keeps its heartbeat) all along: total is twice the number of items, one
    step to lay out each item and one to write its pages (painting the pages is most
    of the writing time).
    """
    count = len(items)
    total = 2 * count
    parts = [items[start : start + part_size] for start in range(0, count, part_size)]
    if progress is not None:
        progress(0, total)
    documents = []
    for index, part in enumerate(parts or [items[:0]]):
        with translation.override(settings.LANGUAGE_CODE):
            html = render_to_string(template_name, build(part))
        documents.append(
            HTML(string=html, base_url=PRINT_BASE_URL, url_fetcher=StaticOnlyFetcher()).render()
        )
        if progress is not None:
            progress(min((index + 1) * part_size, count), total)
    pages = [page for document in documents for page in document.pages]
    if progress is not None:
        for number, page in enumerate(pages, start=1):
            if number % part_size == 0 and number < len(pages):
                page.paint = _then(
                    page.paint, progress, count + count * number // len(pages), total
                )
    return documents[0].copy(pages).write_pdf()


def _then(paint, progress, done: int, total: int):
    """`paint` (a WeasyPrint page's), then report `done` steps of `total`."""

    def paint_and_report(*args, **kwargs):
        paint(*args, **kwargs)
        progress(done, total)

    return paint_and_report


def pdf_response(content: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    """Wrap PDF bytes in a response; `filename` may be Chinese (RFC 5987 encoded, with an
    ASCII name beside it: volunteer.filenames).

    The response is marked private and not stored: printed documents carry names.
    """
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename, as_attachment=not inline)
    response["Content-Length"] = str(len(content))
    patch_cache_control(response, private=True, no_store=True)
    return response
