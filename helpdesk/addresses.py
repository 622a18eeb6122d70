"""Finding a resident's grid (网格) from their address.

A grid's `Unit.address` describes its area, e.g. "秦望村1—3组" (groups 1 to 3 of the
village) or "鉴湖花园5—8幢" or a list of place names ("西湾、东湾"). An address matches
a grid when it names the grid's whole area, or a group/building number inside the
grid's range (with the place before the range, when there is one), or one of its
place names. The grid is found only when exactly one grid matches best; otherwise the
operator (or the resident, on the public form) picks it.
"""

import re
import unicodedata
from collections.abc import Iterable

from members.models import Unit

UNIT_WORDS = "组|幢|栋|号楼|弄"
RANGE = re.compile(rf"(\d+)\s*[—–\-~～至到]+\s*(\d+)\s*({UNIT_WORDS})")
NUMBER = re.compile(rf"(\d+)\s*({UNIT_WORDS})")
SEPARATORS = re.compile(r"[、,，;；/\s]+")
CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CHINESE_NUMBER = re.compile(rf"([零〇一二两三四五六七八九十]+)(?=\s*(?:{UNIT_WORDS}))")


def _chinese_to_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十三 → 23 (up to 99, all an address needs)."""
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        value = (CHINESE_DIGITS.get(tens, -100) if tens else 1) * 10
        value += CHINESE_DIGITS.get(ones, -100) if ones else 0
        return value if value >= 0 else None
    if len(text) == 1:
        return CHINESE_DIGITS.get(text)
    return None


def normalise(text: str) -> str:
    """Full-width digits and letters to ASCII, Chinese numbers before 组/幢 to digits,
    no spaces."""
    text = unicodedata.normalize("NFKC", text or "")

    def digits(match: re.Match) -> str:
        value = _chinese_to_int(match.group(1))
        return str(value) if value is not None else match.group(1)

    text = CHINESE_NUMBER.sub(digits, text)
    return re.sub(r"\s+", "", text)


def _score(address: str, area: str, branch_name: str) -> int:
    if not area:
        return 0
    if area in address:
        return 1000 + len(area)
    score = 0
    span = RANGE.search(area)
    if span:
        place = area[: span.start()]
        low, high, word = int(span.group(1)), int(span.group(2)), span.group(3)
        place_named = not place or place in address or (branch_name and branch_name in address)
        numbers = [int(n) for n, w in NUMBER.findall(address) if w == word]
        if place_named and any(low <= n <= high for n in numbers):
            score = 500 + len(place)
    else:
        for keyword in SEPARATORS.split(area):
            if len(keyword) >= 2 and keyword in address:
                score = max(score, 100 + len(keyword))
    return score


def find_grid(address: str, grids: Iterable[Unit]) -> Unit | None:
    """The one grid among `grids` whose area the address names best, or None when no
    grid or more than one matches equally well. Grids need `parent` loaded."""
    text = normalise(address)
    if not text:
        return None
    best: list[Unit] = []
    best_score = 0
    for grid in grids:
        branch_name = grid.parent.name if grid.parent_id else ""
        score = _score(text, normalise(grid.address), branch_name)
        if score > best_score:
            best, best_score = [grid], score
        elif score and score == best_score:
            best.append(grid)
    return best[0] if len(best) == 1 else None
