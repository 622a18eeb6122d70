"""QR codes for printed documents, as SVG data: URIs for an <img src> in a print template.

The print layer's fetcher accepts data: URLs, so the code travels inside the HTML and
WeasyPrint draws it as vectors (sharp at any print resolution).
"""

import segno

# Printed width of the whole symbol, quiet zone included. 25 mm scans well from a phone
# held at arm's length and fits on a card-size certificate.
QR_WIDTH_MM = 25
QR_BORDER_MODULES = 1
# Segno scores all eight masks in pure Python (~4.5 ms a code); one fixed mask is as
# readable for our short verification URLs and keeps a batch of 1,000 certificates fast.
QR_MASK = 2


def qr_svg_data_uri(text: str, *, width_mm: float = QR_WIDTH_MM) -> str:
    """Return a data:image/svg+xml URI of a QR code (error level M) encoding `text`.

    The SVG's width and height are given in millimetres, so the <img> prints at
    `width_mm` without any CSS.
    """
    qr = segno.make(text, error="m", micro=False, mask=QR_MASK)
    modules, _ = qr.symbol_size(scale=1, border=QR_BORDER_MODULES)
    return qr.svg_data_uri(
        scale=width_mm / modules,
        border=QR_BORDER_MODULES,
        unit="mm",
        dark="#000",
        light="#fff",
    )
