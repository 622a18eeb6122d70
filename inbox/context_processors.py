from django.http import HttpRequest

from inbox import display

# The menu's unread count is read with the rest of the menu's facts, in one statement:
# volunteer/layout.py (`inbox_unread`).


def text_size(request: HttpRequest) -> dict[str, bool]:
    """`large_text` for the <html> class and the header's switch: read from the session,
    no query (inbox/display.py)."""
    return {"large_text": display.large_text(request)}
