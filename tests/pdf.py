"""PDFs read back in tests through poppler's command-line tools (poppler-utils)."""

import subprocess


def _poppler(tool: str, content: bytes, *args: str) -> str:
    done = subprocess.run([tool, *args], input=content, capture_output=True, check=True, timeout=60)
    return done.stdout.decode()


def pdf_text(content: bytes, *options: str) -> str:
    """The text pdftotext finds in the PDF, in UTF-8; every page ends with a form feed.
    `options` go to pdftotext, e.g. "-layout"."""
    return _poppler("pdftotext", content, *options, "-enc", "UTF-8", "-", "-")


def pdf_page_count(content: bytes) -> int:
    info = _poppler("pdfinfo", content, "-")
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
