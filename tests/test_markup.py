"""Member-written Markdown becomes safe HTML: hostile input is rendered inert."""
from html.parser import HTMLParser

import pytest

from exchange.markup import ALLOWED_TAGS, render_markdown


def test_markdown_basics_render():
    html = render_markdown("**bold** and _soft_\n\n- one\n- two\n\n> quoted")
    assert "<strong>bold</strong>" in html and "<em>soft</em>" in html
    assert "<li>one</li>" in html and "<blockquote>" in html


def test_bare_urls_become_links_with_nofollow_ugc_noopener():
    html = render_markdown("See https://example.org/report for the numbers.")
    assert '<a href="https://example.org/report" rel="nofollow ugc noopener">' in html


@pytest.mark.parametrize("text, code", [
    ("Run `curl https://example.org/api` first.", "<code>curl https://example.org/api</code>"),
    ("```\nexport URL=https://example.org/api\n```", "<pre><code>export URL=https://example.org/api\n</code></pre>"),
    ("    wget https://example.org/data.csv", "<pre><code>wget https://example.org/data.csv\n</code></pre>"),
    ("`https://x`", "<code>https://x</code>"),
])
def test_urls_in_code_stay_plain_text_while_links_around_them_still_work(text, code):
    html = render_markdown(f"{text}\n\nThe report: https://example.org/report")
    assert code in html
    assert [attrs for tag, attrs in _elements(html) if tag == "a"] == [
        [("href", "https://example.org/report"), ("rel", "nofollow ugc noopener")]]


def test_markdown_links_also_get_the_rel_attribute():
    html = render_markdown("[the rubric](https://example.org/rubric)")
    assert 'rel="nofollow ugc noopener"' in html


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<iframe src="https://evil.example"></iframe>',
    '<svg onload=alert(1)>',
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
])
def test_hostile_markup_is_rendered_inert(hostile):
    elements = _elements(render_markdown(hostile))
    for tag, attrs in elements:
        assert tag in ALLOWED_TAGS
        for name, value in attrs:
            assert not name.startswith("on") and name != "style"
            if name == "href":
                assert value.split(":")[0].lower() in ("http", "https", "mailto")


def _elements(html: str) -> list[tuple[str, list]]:
    """Every element a browser would build from the HTML."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown("<b>hi</b>")
    assert "&lt;b&gt;hi&lt;/b&gt;" in html


def test_images_stay_links_so_no_third_party_content_loads():
    html = render_markdown("![chart](https://tracker.example/pixel.png)")
    assert "<img" not in html
    assert 'href="https://tracker.example/pixel.png"' in html


def test_empty_text_renders_to_nothing():
    assert render_markdown("") == ""
