"""Time the print layer against bare WeasyPrint on a 100-page certificate batch.

    .venv/bin/python scripts/bench_pdf_layer.py [pages] [runs]

Both sides lay out the same HTML; render_pdf also renders the Django template and goes
through StaticOnlyFetcher (each page carries a QR code as a data: URI). Prints the median
of each over the runs, and the ratio.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "volunteer.settings")

import django  # noqa: E402

django.setup()

from django.template.loader import render_to_string  # noqa: E402
from weasyprint import HTML  # noqa: E402

from volunteer.pdf import render_pdf  # noqa: E402
from volunteer.qr import qr_svg_data_uri  # noqa: E402

TEMPLATE = "print/_bench_certificate.html"
NAMES = ["刘䶮", "𠮷祥", "王建国", "李秀英", "张卫东", "陈桂兰", "欧阳明", "赵德华"]


def context(pages: int) -> dict:
    return {
        "items": [
            {
                "name": NAMES[i % len(NAMES)],
                "post": "环境卫生监督岗",
                "grid": f"第{i % 9 + 1}网格",
                "code": f"330602-01-001-{i:04d}",
                "branch": "秦望村",
                "qr": qr_svg_data_uri(f"https://example.org/verify/{i:08d}"),
            }
            for i in range(pages)
        ]
    }


def timed(function) -> tuple[float, bytes]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main() -> None:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    ctx = context(pages)
    html = render_to_string(TEMPLATE, ctx)
    layer, bare = [], []
    for _ in range(runs):
        seconds, pdf = timed(lambda: render_pdf(TEMPLATE, ctx))
        layer.append(seconds)
        seconds, bare_pdf = timed(lambda: HTML(string=html).write_pdf())
        bare.append(seconds)
    layer_median, bare_median = statistics.median(layer), statistics.median(bare)
    print(f"pages: {pages}, runs: {runs}, PDF sizes: {len(pdf)} / {len(bare_pdf)} bytes")
    print(f"render_pdf:             median {layer_median:.2f} s  {[round(s, 2) for s in layer]}")
    print(f"HTML(...).write_pdf():  median {bare_median:.2f} s  {[round(s, 2) for s in bare]}")
    print(f"ratio render_pdf / bare: {layer_median / bare_median:.2f}")
    print(f"per page (render_pdf):  {layer_median / pages * 1000:.0f} ms")


if __name__ == "__main__":
    main()
