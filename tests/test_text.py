"""Slugs and tag keys: one spelling for every way of writing a word."""
import pytest

from exchange.text import slugify


@pytest.mark.parametrize("text, slug", [
    ("Family  Engagement!", "family-engagement"),
    ("family-engagement", "family-engagement"),
    ("Café résumé", "cafe-resume"),
    ("Teacher’s voice", "teachers-voice"),
    ("Grades 3,4", "grades-3-4"),                 # numbers stay apart, as stored keys have them
    ("R&amp;D", "r-amp-d"),                       # members type text, not HTML
    ("K–12 and K-12", "k-12-and-k-12"),
    ("教育", "jiao-yu"),                           # other scripts are transliterated, not dropped
    ("!!!", ""),
])
def test_slugify_gives_one_ascii_spelling(text, slug):
    assert slugify(text) == slug


def test_slugify_cuts_at_the_length_without_a_trailing_hyphen():
    assert slugify("word " * 30, 12) == "word-word-wo"
    assert slugify("abcde fghij", 6) == "abcde"
