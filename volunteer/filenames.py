"""File names of downloads: in the reader's language, safe on every system, and sent
with an ASCII name beside the Unicode one.

A view names its file with a translated message (`file_name(_("%(unit)s post ledger
%(year)s.xlsx"), unit=..., year=...)`): a Chinese name in the Chinese UI, an English
one in the English UI. The response header (`content_disposition`) carries the name
twice, as RFC 6266 asks: `filename="..."`, ASCII, for old clients, and
`filename*=UTF-8''...` (RFC 5987), which every current browser prefers. The ASCII name
is the same message in English where the view gave one, else what is ASCII in the name.
"""

import re
import unicodedata
from urllib.parse import quote

from django.utils import translation

# Characters no file system takes in a name, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_SPACES = re.compile(r"\s+")
_NOT_ASCII_NAME = re.compile(r"[^A-Za-z0-9._ -]+")
_DASHES = re.compile(r"\s*-[\s-]*")
MAX_NAME = 150


class FileName(str):
    """A download's file name in the active language; `ascii` is the name for clients
    that read only `filename="..."`."""

    ascii: str

    def __new__(cls, name: str, ascii_name: str = ""):
        instance = super().__new__(cls, name)
        instance.ascii = ascii_name or ascii_fallback(name)
        return instance


def clean_name(name: str) -> str:
    """`name` without path separators, characters Windows refuses or control
    characters, spaces collapsed, at most MAX_NAME characters (the extension kept)."""
    name = _SPACES.sub(" ", _UNSAFE.sub("_", name)).strip(" .")
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 5:
            name = stem[: MAX_NAME - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:MAX_NAME]
    return name or "download"


def ascii_fallback(name: str) -> str:
    """The ASCII part of `name` ("秦望村-2026-岗位台账.xlsx" gives "2026.xlsx"), or
    "download" with the extension when nothing of the stem is left."""
    stem, dot, extension = clean_name(name).rpartition(".")
    if not dot:
        stem, extension = extension, ""
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    folded = _SPACES.sub(" ", _NOT_ASCII_NAME.sub(" ", folded))
    folded = _DASHES.sub("-", folded).strip(" _-.") or "download"
    extension = _NOT_ASCII_NAME.sub("", extension)
    return f"{folded}.{extension}" if extension else folded


def file_name(message, **values) -> FileName:
    """A file name from a translatable `message` (gettext_lazy, extension included,
    with %(name)s placeholders filled from `values`): in the active language, with the
    same message in English as its ASCII name."""
    name = clean_name(str(message) % values)
    with translation.override("en"):
        english = str(message) % values
    return FileName(name, ascii_fallback(english))


def content_disposition(filename: str, *, as_attachment: bool = True) -> str:
    """The Content-Disposition header for `filename` (a FileName or a plain str):
    `filename="<ASCII>"`, and `filename*=UTF-8''<name>` when the name is not ASCII."""
    disposition = "attachment" if as_attachment else "inline"
    name = clean_name(str(filename))
    fallback = getattr(filename, "ascii", "") or ascii_fallback(name)
    header = f'{disposition}; filename="{fallback}"'
    if name != fallback:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header
