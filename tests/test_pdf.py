"""The print layer: Chinese names survive into the PDF, fonts are embedded subsets of the
Simplified Chinese Noto faces, only static files and data: URLs are ever read, nothing goes
over the network, and a batch is one PDF with one page per item."""

import base64
import socket
import subprocess
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
import segno
from defusedxml import ElementTree
from django.conf import settings
from PIL import Image
from weasyprint import HTML
from weasyprint.urls import URLFetchingError, fetch

from volunteer.pdf import (
    PRINT_BASE_URL,
    ResourceRefused,
    StaticOnlyFetcher,
    pdf_response,
    render_pdf,
)
from volunteer.qr import qr_svg_data_uri

SAMPLE = "print/_test_sample.html"
FOREIGN_IMAGES = ["http://127.0.0.1:9/evil.png", "file:///etc/passwd"]
FOREIGN_STYLESHEETS = ["https://cdn.example.com/x.css"]


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail the test if anything opens a connection or even looks a host name up."""

    def refuse(*args, **kwargs):
        pytest.fail(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(autouse=True)
def sample_static_image(settings, tmp_path):
    """Serve tmp/print-test/dot.png as the static file 'print-test/dot.png'."""
    folder = tmp_path / "print-test"
    folder.mkdir()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(folder / "dot.png")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, ("print-test", str(folder))]


def static_url(path: str) -> str:
    return urljoin(PRINT_BASE_URL, settings.STATIC_URL) + path


def render_sample(names: list[str], **extra) -> bytes:
    """The sample page per name: a static image, plus images and a stylesheet from
    other hosts and the file system, passed in as data the way user input would be."""
    context = {
        "names": names,
        "foreign_images": FOREIGN_IMAGES,
        "foreign_stylesheets": FOREIGN_STYLESHEETS,
    }
    return render_pdf(SAMPLE, {**context, **extra})


def poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    command = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def page_count(pdf: bytes, tmp_path: Path) -> int:
    info = poppler("pdfinfo", pdf, tmp_path)
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def test_rare_name_characters_come_out_as_text(tmp_path):
    pdf = render_sample(["刘䶮", "𠮷祥"])

    text = poppler("pdftotext", pdf, tmp_path)
    assert "刘䶮" in text
    assert "𠮷祥" in text
    assert "党员先锋岗" in text


def test_fonts_are_embedded_subsets_of_the_simplified_chinese_noto_faces(tmp_path):
    pdf = render_sample(["刘䶮", "𠮷祥"])

    # name  type (several words)  encoding  emb sub uni object-number generation
    rows = [line.split() for line in poppler("pdffonts", pdf, tmp_path).splitlines()[2:]]
    assert rows
    names = [row[0] for row in rows]
    for row in rows:
        name, emb, sub = row[0], row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), row
        prefix, _, face = name.partition("+")
        assert len(prefix) == 6 and prefix.isalpha() and prefix.isupper(), name
        # WeasyPrint names the face after the family: "Noto-Serif-CJK-SC"; the SC suffix is
        # the Simplified Chinese face of the collection, not JP/TC/KR/HK.
        assert face.replace("-", "").startswith(("NotoSerifCJKSC", "NotoSansCJKSC")), name
    assert any("Serif-CJK-SC" in name for name in names), names
    assert any("Sans-CJK-SC" in name for name in names), names


def test_user_text_is_escaped_not_markup(tmp_path):
    pdf = render_sample(["<b>王</b> & 李"])

    assert "<b>王</b> & 李" in poppler("pdftotext", pdf, tmp_path)


def test_static_images_load_and_foreign_resources_are_skipped_with_a_logged_error(tmp_path, caplog):
    pdf = render_sample(["刘䶮", "𠮷祥"])

    images = poppler("pdfimages", pdf, tmp_path, "-list").splitlines()[2:]
    assert [row.split()[0] for row in images] == ["1", "2"]  # dot.png once per page
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "weasyprint")
    for url in FOREIGN_IMAGES + FOREIGN_STYLESHEETS:
        assert url in logged
    assert logged.count("ResourceRefused") == 3  # WeasyPrint asks once per URL per document


def test_a_batch_is_one_pdf_with_one_page_per_item(tmp_path):
    pdf = render_sample(["刘䶮", "𠮷祥", "张三"])

    assert page_count(pdf, tmp_path) == 3


def test_a_qr_data_uri_is_drawn_not_refused(tmp_path, caplog):
    pdf = render_sample(["刘䶮"], qr=qr_svg_data_uri("https://example.org/v/1"))

    assert page_count(pdf, tmp_path) == 1
    logged = [r.getMessage() for r in caplog.records if r.name == "weasyprint"]
    assert len(logged) == 3  # the three foreign URLs, nothing about the QR code
    assert not any("data:" in message for message in logged)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/evil.png",
        "https://cdn.example.com/x.css",
        "file:///etc/passwd",
        "ftp://example.com/x.png",
        "HTTP://print.invalid/static/css/app.css",
        "https://print.invalid.example.com/static/css/app.css",
        "https://user@print.invalid/static/css/app.css",
        "https://print.invalid:8443/static/css/app.css",
        "https://print.invalid/etc/passwd",
        "https://print.invalid/static/../../../etc/passwd",
        "https://print.invalid/static/css/../../../../etc/passwd",
        "https://print.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://print.invalid/static/css%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "https://print.invalid/static//etc/passwd",
        "https://print.invalid/static/%2Fetc%2Fpasswd",
        "https://print.invalid/static/..%5C..%5Cetc%5Cpasswd",
        "https://print.invalid/static/css/",
        "https://print.invalid/static/css/missing.css",
        "app-static:/static/css/app.css",
    ],
)
def test_fetcher_refuses_everything_but_static_files(url):
    fetcher = StaticOnlyFetcher()

    with pytest.raises(ResourceRefused):
        fetcher.fetch(url)
    # This is how WeasyPrint sees it: a URLFetchingError, which it logs and skips.
    with pytest.raises(URLFetchingError), fetch(fetcher, url):
        pass


def test_fetcher_serves_static_files_found_by_the_finders():
    app_css = Path(settings.BASE_DIR, "static", "css", "app.css")

    response = StaticOnlyFetcher().fetch(static_url("css/app.css?v=2#top"))

    assert response.content_type == "text/css"
    assert response.read() == app_css.read_bytes()
    response = StaticOnlyFetcher().fetch(static_url("print-test/dot.png"))
    assert response.content_type == "image/png"


def test_fetcher_falls_back_to_static_root_for_collected_names(settings, tmp_path):
    settings.STATIC_ROOT = str(tmp_path / "collected")
    (tmp_path / "collected" / "css").mkdir(parents=True)
    (tmp_path / "collected" / "css" / "app.0123abcd.css").write_text("p { color: red }")

    response = StaticOnlyFetcher().fetch(static_url("css/app.0123abcd.css"))

    assert response.read() == b"p { color: red }"


def test_fetcher_serves_data_urls():
    payload = base64.b64encode("刘䶮".encode()).decode()

    response = StaticOnlyFetcher().fetch(f"data:text/plain;base64,{payload}")

    assert response.read().decode() == "刘䶮"


def test_the_network_guard_would_catch_weasyprints_default_fetcher():
    # The control for the autouse guard: WeasyPrint's own fetcher does try to connect.
    html = HTML(string='<img src="http://127.0.0.1:9/evil.png">')

    with pytest.raises(pytest.fail.Exception, match="network access attempted"):
        html.write_pdf()


def test_qr_svg_data_uri_is_a_well_formed_25mm_svg_of_the_text():
    url = "https://example.org/verify/0123456789abcdef"

    uri = qr_svg_data_uri(url)

    header, _, payload = uri.partition(",")
    assert header.startswith("data:image/svg+xml")
    svg = ElementTree.fromstring(unquote(payload))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert float(svg.get("width").removesuffix("mm")) == pytest.approx(25)
    assert float(svg.get("height").removesuffix("mm")) == pytest.approx(25)
    # The drawing is scaled from a grid of modules the size of segno's symbol for the text
    # (quiet zone of one module included).
    modules, _ = segno.make(url, error="m", micro=False).symbol_size(scale=1, border=1)
    scale = svg.find("{http://www.w3.org/2000/svg}g").get("transform")
    assert float(scale.removeprefix("scale(").removesuffix(")")) * modules == pytest.approx(25)
    assert qr_svg_data_uri(url + "0") != uri
    assert qr_svg_data_uri(url) == uri


def test_pdf_response_names_the_file_in_chinese():
    response = pdf_response(b"%PDF-1.7 ...", "党员先锋岗-刘䶮.pdf")

    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline; filename=\"download.pdf\"; filename*=UTF-8''")
    assert unquote(disposition.split("''", 1)[1]) == "党员先锋岗-刘䶮.pdf"
    assert response.content == b"%PDF-1.7 ..."
    assert "no-store" in response["Cache-Control"]


def test_pdf_response_can_ask_for_a_download():
    response = pdf_response(b"%PDF", "岗位证.pdf", inline=False)

    assert response["Content-Disposition"].startswith("attachment; ")
