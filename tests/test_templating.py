"""The words templates show around content: relative times, and plain text for search."""
from datetime import timedelta

import pytest

from exchange.markup import plain_text, render_markdown
from exchange.models import utcnow
from exchange.templating import time_ago


@pytest.mark.parametrize("age, shown", [
    (timedelta(seconds=5), "just now"),
    (timedelta(seconds=-30), "just now"),               # a clock slightly ahead
    (timedelta(minutes=1, seconds=5), "1 minute ago"),
    (timedelta(minutes=3), "3 minutes ago"),
    (timedelta(hours=5), "5 hours ago"),
    (timedelta(days=1), "1 day ago"),
    (timedelta(days=8), "1 week ago"),
    (timedelta(days=40), "1 month ago"),
    (timedelta(days=800), "2 years ago"),
])
def test_time_ago_reads_as_members_have_always_seen_it(age, shown):
    assert time_ago(utcnow() - age) == shown


def test_time_ago_of_nothing_is_empty():
    assert time_ago(None) == ""


def test_plain_text_keeps_words_apart_and_unescapes():
    html = render_markdown("First paragraph.\n\nSecond & *last*\n\n- one\n- two")
    assert plain_text(html) == "First paragraph. Second & last one two"
    assert plain_text("a<br>b &lt;script&gt;") == "a b <script>"
    assert plain_text("") == ""
