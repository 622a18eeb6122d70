"""Download file names (volunteer.filenames): Chinese in the Chinese UI, English in the
English UI, and always an ASCII name beside the Unicode one for old clients."""

from urllib.parse import unquote

from django.utils import translation
from django.utils.translation import gettext_lazy

from volunteer.filenames import ascii_fallback, clean_name, content_disposition, file_name


def unicode_name(header: str) -> str:
    return unquote(header.split("filename*=UTF-8''", 1)[1])


def test_a_chinese_name_is_sent_encoded_with_an_ascii_name_first():
    header = content_disposition("秦望村-2026-岗位台账.xlsx")

    assert header.startswith('attachment; filename="2026.xlsx"; ')
    assert unicode_name(header) == "秦望村-2026-岗位台账.xlsx"


def test_an_ascii_name_is_sent_once_and_quoted():
    assert content_disposition("count.txt", as_attachment=False) == 'inline; filename="count.txt"'


def test_a_name_with_nothing_ascii_falls_back_to_download():
    assert ascii_fallback("党员先锋岗-刘䶮.pdf") == "download.pdf"


def test_path_separators_and_quotes_never_reach_the_header():
    header = content_disposition('../秦望"村\\名单/.pdf')

    assert "/" not in unicode_name(header) and "\\" not in unicode_name(header)
    assert header.count('"') == 2


def test_a_very_long_name_is_cut_keeping_its_extension():
    name = clean_name("村" * 400 + ".xlsx")

    assert len(name) <= 150 and name.endswith(".xlsx")


def test_a_translated_name_is_chinese_in_chinese_and_english_in_its_ascii_name():
    message = gettext_lazy("%(branch)s posts notice %(year)s.pdf")
    with translation.override("zh-hans"):
        name = file_name(message, branch="秦望村", year=2026)

    assert name == "秦望村2026年党员先锋岗公示.pdf"
    assert name.ascii == "posts notice 2026.pdf"
    assert content_disposition(name).startswith('attachment; filename="posts notice 2026.pdf"')


def test_a_translated_name_is_english_in_the_english_ui():
    with translation.override("en"):
        name = file_name(
            gettext_lazy("%(branch)s posts notice %(year)s.pdf"), branch="Qinwang", year=2026
        )

    assert name == "Qinwang posts notice 2026.pdf"
