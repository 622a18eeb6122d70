"""Bar charts as inline SVG, drawn on the server: no chart library, nothing from a CDN.

Every label goes through `format_html`, so a branch called "<script>" stays text. The
charts scale with their container (viewBox); the page keeps a table with the same
figures for screen readers and printing.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

BAR = "#dc3545"  # Bootstrap's danger red, the site's colour
MUTED = "#f1aeb5"  # open (not yet published) figures
INK = "#212529"
GRID = "#dee2e6"
LABEL_CHARS = 9


@dataclass
class Bar:
    label: str
    value: Decimal
    muted: bool = False


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _svg(width: int, height: int, title: str, body: SafeString, font_size: int) -> SafeString:
    return format_html(
        # Its largest size is set in app.css (.bar-chart): a style attribute would need
        # 'unsafe-inline' in the Content-Security-Policy.
        '<svg class="bar-chart d-block mx-auto" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-label="{}" xmlns="http://www.w3.org/2000/svg" '
        'font-size="{}" font-family="inherit"><title>{}</title>{}</svg>',
        width,
        height,
        title,
        font_size,
        title,
        body,
    )


def column_chart(bars: Sequence[Bar], *, title: str, suffix: str = "") -> SafeString:
    """Vertical bars with short labels underneath (e.g. the twelve months). `suffix`
    follows each value (e.g. "%")."""
    # Large type for the viewBox: on a phone the chart is drawn at half its size.
    width, height, top, bottom, left = 640, 240, 26, 34, 8
    plot = height - top - bottom
    slot = (width - 2 * left) / max(len(bars), 1)
    peak = max((bar.value for bar in bars), default=Decimal("0")) or Decimal("1")
    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>',
            left,
            top + plot,
            width - left,
            top + plot,
            GRID,
        )
    ]
    for index, bar in enumerate(bars):
        bar_height = round(float(max(bar.value, 0) / peak) * plot, 1)
        x = round(left + index * slot + slot * 0.15, 1)
        centre = round(left + index * slot + slot / 2, 1)
        parts.append(
            format_html(
                '<g><title>{}: {}</title><rect x="{}" y="{}" width="{}" height="{}" '
                'rx="2" fill="{}"/><text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>'
                '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text></g>',
                bar.label,
                _number(bar.value) + suffix,
                x,
                round(top + plot - bar_height, 1),
                round(slot * 0.7, 1),
                bar_height,
                MUTED if bar.muted else BAR,
                centre,
                round(top + plot - bar_height - 6, 1),
                INK,
                _number(bar.value) + suffix if bar.value else "",
                centre,
                height - 10,
                INK,
                _short(bar.label),
            )
        )
    return _svg(width, height, title, format_html_join("", "{}", ((p,) for p in parts)), 17)


def row_chart(bars: Sequence[Bar], *, title: str, suffix: str = "") -> SafeString:
    """Horizontal bars with their labels on the left (e.g. branches, whose names are
    long), one row per bar. `suffix` follows each value (e.g. "%")."""
    width, row, label_width, pad = 640, 30, 160, 6
    height = max(len(bars), 1) * row + 2 * pad
    room = width - label_width - 60
    peak = max((bar.value for bar in bars), default=Decimal("0")) or Decimal("1")
    parts = []
    for index, bar in enumerate(bars):
        y = pad + index * row
        length = round(float(max(bar.value, 0) / peak) * room, 1)
        parts.append(
            format_html(
                '<g><title>{}: {}</title><text x="{}" y="{}" text-anchor="end" fill="{}">{}'
                '</text><rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{}"/>'
                '<text x="{}" y="{}" fill="{}">{}</text></g>',
                bar.label,
                _number(bar.value) + suffix,
                label_width - 8,
                y + row / 2 + 5,
                INK,
                _short(bar.label),
                label_width,
                y + 4,
                length,
                row - 8,
                MUTED if bar.muted else BAR,
                round(label_width + length + 6, 1),
                y + row / 2 + 5,
                INK,
                _number(bar.value) + suffix,
            )
        )
    return _svg(width, height, title, format_html_join("", "{}", ((p,) for p in parts)), 15)
