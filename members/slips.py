"""The activation slip (登录激活单): one member's code on paper, or an A4 sheet of a
branch's slips to cut apart. The code exists nowhere else, so a slip is printed in the
response that issues it; a lost slip is replaced by issuing a new code."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from members.activation import IssuedCode
from volunteer.pdf import render_pdf
from volunteer.qr import qr_svg_data_uri

SLIPS_PER_SHEET = 8  # 2 columns × 4 rows on A4


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def activation_address() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("activate")


def slip_link(issued: IssuedCode) -> str:
    return f"{activation_address()}?{urlencode({'code': issued.printed})}"


def slips_pdf(issued: list[IssuedCode]) -> bytes:
    slips = [
        {"issued": item, "qr": qr_svg_data_uri(slip_link(item), width_mm=24)} for item in issued
    ]
    sheets = [_chunks(sheet, 2) for sheet in _chunks(slips, SLIPS_PER_SHEET)]
    return render_pdf(
        "members/print/activation_slips.html",
        {"sheets": sheets, "address": activation_address()},
    )
