"""Articles are Markdown rendered safely: nothing a writer types runs in a reader's
browser, whatever shape it takes."""

from html.parser import HTMLParser

import pytest

from tique.core.markdown import plain_text, render

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<a href='javascript:alert(1)'>x</a>",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](https://example.com/a.png "t" onerror="alert(1)")',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "<div style=\"background:url('javascript:alert(1)')\">x</div>",
    "[a](<javascript:alert(1)>)",
    '<a href="#" onclick="alert(1)">x</a>',
]


class _Elements(HTMLParser):
    """Every element and attribute of rendered HTML, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)


def elements(html):
    parser = _Elements()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("attack", ATTACKS)
def test_no_script_handler_or_javascript_url_survives(attack):
    html = render(f"Texto\n\n{attack}\n\n**fin**")
    found = elements(html)
    assert not {"script", "iframe", "svg", "div", "style", "object", "embed"} & set(found.tags)
    for _tag, name, value in found.attributes:
        assert not name.startswith("on")
        assert name != "style"
        if name in ("href", "src"):
            scheme = value.strip().lower().split(":", 1)[0] if ":" in value else ""
            assert scheme in ("", "http", "https", "mailto", "tel"), value
    assert "<strong>fin</strong>" in html


def test_a_javascript_link_stays_text_and_never_becomes_a_link():
    html = render("[click](javascript:alert(1))")
    assert "<a" not in html
    assert "[click](javascript:alert(1))" in html


def test_markdown_renders_headings_lists_tables_code_and_links():
    html = render(
        "# Title\n\n## Steps\n\n1. One\n2. Two\n\n- `5060/udp`\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "[docs](https://example.com/x)"
    )
    assert "<h2>Title</h2>" in html  # the page's own title is the h1
    assert "<h2>Steps</h2>" in html
    assert "<ol>" in html and "<li>One</li>" in html
    assert "<code>5060/udp</code>" in html
    assert "<table>" in html and "<td>2</td>" in html
    assert '<a href="https://example.com/x" rel="noopener noreferrer">docs</a>' in html


def test_images_from_this_site_or_https_are_embedded_others_are_not():
    html = render("![diagram](/static/kb/one-way-audio.svg) ![far](http://example.com/x.png)")
    assert '<img src="/static/kb/one-way-audio.svg" alt="diagram">' in html
    assert "http://example.com/x.png" not in html


def test_video_links_are_marked_as_such():
    html = render("[Tutorial](https://www.youtube.com/watch?v=abc) [Web](https://example.com)")
    assert 'href="https://www.youtube.com/watch?v=abc" class="video-link"' in html
    assert 'href="https://example.com" rel' in html


def test_plain_text_has_the_words_without_markup():
    text = plain_text("## Pasos\n\nReinicia el **teléfono** y <b>prueba</b>.\n\n- Uno\n- Dos")
    assert "Pasos" in text and "teléfono" in text and "Uno" in text
    assert "**" not in text and "##" not in text and "<strong>" not in text
