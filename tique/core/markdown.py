"""Markdown as safe HTML, for help-centre articles: CommonMark with tables, where raw
HTML is text (never markup) and every link is checked twice, by markdown-it's own link
validation and then by nh3's allow-list of tags, attributes and URL schemes. Links to
video sites are marked as video links (the page shows them as such); images are
embedded when their address is this site's or https.

`render` gives the HTML; `plain_text` the words alone, for search and snippets."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

VIDEO_HOSTS = frozenset(
    {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "vimeo.com", "player.vimeo.com"}
)

_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "hr", "img", "li", "ol",
    "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("heading_open", _heading_open)
    md.add_render_rule("heading_close", _heading_close)
    return md


def _link_open(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    host = urlsplit(str(token.attrGet("href") or "")).hostname or ""
    if host.lower() in VIDEO_HOSTS:
        token.attrSet("class", "video-link")
    return self.renderToken(tokens, idx, options, env)


def _shifted(tag: str) -> str:
    # An article's own title is the page's h1: its headings start at h2.
    level = min(int(tag[1]) + 1, 4)
    return f"h{level}"


def _heading_open(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    tokens[idx].tag = _shifted(tokens[idx].tag) if tokens[idx].tag == "h1" else tokens[idx].tag
    return self.renderToken(tokens, idx, options, env)


def _heading_close(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    tokens[idx].tag = _shifted(tokens[idx].tag) if tokens[idx].tag == "h1" else tokens[idx].tag
    return self.renderToken(tokens, idx, options, env)


_MD = _parser()


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        parts = urlsplit(value)
        local = not parts.scheme and not parts.netloc and value.startswith("/")
        return value if local or parts.scheme == "https" else None
    return value


def render(text: str) -> str:
    """The article's HTML, safe to mark safe."""
    unsafe = _MD.render(text or "")
    return nh3.clean(
        unsafe,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto", "tel"},
        allowed_classes={"a": {"video-link"}},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_BLOCK_END = re.compile(r"</(p|li|h[1-6]|td|th|tr|pre|blockquote)>|<br\s*/?>", re.IGNORECASE)


def plain_text(text: str) -> str:
    """The article's words without markup: the rendered HTML with its tags removed, a
    space between blocks, entities decoded."""
    spaced = _BLOCK_END.sub(lambda m: f"{m.group()}\n", render(text))
    stripped = nh3.clean(spaced, tags=set())
    return re.sub(r"[ \t]*\n\s*", "\n", html.unescape(stripped)).strip()
