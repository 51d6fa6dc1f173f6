"""Reading responses the way a person reads the page."""
import html
import re


def visible(response) -> str:
    """The page's text with entities decoded and tags removed, whitespace collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(text).split())
