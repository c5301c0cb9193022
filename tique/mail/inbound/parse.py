"""Reading a raw e-mail into what the mail channel needs.

`parse_email` gives up only on bytes that are not an e-mail at all (empty, or no header
block): anything else is read as well as it can be, and what was wrong is listed in
`defects`, because a malformed e-mail is kept and reported, never dropped.

The structure comes from the standard library's parser with the modern policy (falling
back to `compat32` when the modern one raises on a broken header). Header values are
read raw and decoded here: RFC 2047 words split in the middle of a character, unknown
charsets and raw 8-bit bytes are common in real mail, and the library either keeps them
as escapes or gives up on them.

The HTML part is sanitized with nh3; the text is the `text/plain` part, or the HTML
turned into readable text. `reply_text` is that text without the quoted history and the
signature, for the thread view; the full text stays in `text`.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import datetime as dt
import html as html_lib
import mimetypes
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email import policy
from email.generator import BytesGenerator
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from io import BytesIO
from typing import TypeVar

import nh3


class ParseError(Exception):
    """The bytes are not an e-mail at all (nothing else makes the parser give up)."""


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    inline: bool = False
    content_id: str = ""


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    in_reply_to: list[str]
    references: list[str]
    from_address: str
    from_name: str
    recipients: list[str]
    subject: str
    date: dt.datetime | None
    text: str
    reply_text: str
    html: str
    attachments: list[ParsedAttachment] = field(default_factory=list)
    is_auto: bool = False
    is_bounce: bool = False
    bounced_message_ids: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MAX_ATTACHMENTS = 50
# MIME levels read below the message itself; deeper parts are left out (and reported).
MAX_DEPTH = 20
MAX_DEFECTS = 50
# Times one message may have a multipart without a usable boundary re-read.
MAX_RECOVERIES = 5

# At least one of these makes a header block an e-mail's.
_EMAIL_HEADERS = _words(
    "from sender to cc bcc subject date message-id in-reply-to references received "
    "return-path reply-to mime-version content-type delivered-to x-original-to "
    "envelope-to"
)
_RECIPIENT_HEADERS = ("to", "cc", "delivered-to", "x-original-to", "envelope-to")

T = TypeVar("T")


class _Defects:
    """Short descriptions of what was wrong, each once, at most MAX_DEFECTS of them."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, description: str) -> None:
        if description not in self.items and len(self.items) < MAX_DEFECTS:
            self.items.append(description)


# --- Charsets -------------------------------------------------------------------------

# What mail says against what it means: ISO-8859-1 and ASCII labels are read as
# Windows-1252 (as browsers do), Japanese and Chinese labels as their Windows supersets.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "iso-8859-1:1987": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "cp819": "cp1252",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "s_jis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "csshiftjis": "cp932",
    "windows-31j": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "big5": "big5hkscs",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "tis-620": "cp874",
    "windows-874": "cp874",
    "iso-8859-11": "cp874",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
}
_ASCII_LABELS = frozenset({"", "us-ascii", "ascii", "ansi_x3.4-1968", "646", "us"})
# Codecs Python knows that are not a text's charset.
_NOT_CHARSETS = frozenset(
    {"undefined", "unicode_escape", "raw_unicode_escape", "idna", "punycode", "mbcs", "oem"}
)


def _codec(label: str) -> str | None:
    name = _CHARSET_ALIASES.get(label, label)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


def _best_effort(data: bytes) -> str:
    """Undeclared or unknown bytes: UTF-8 when they are, else Windows-1252."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _decode_bytes(data: bytes, charset: str | None, defects: _Defects) -> str:
    label = (charset or "").strip().strip("\"'").strip().lower()
    if label in _ASCII_LABELS:
        return _best_effort(data)
    codec = _codec(label)
    if codec is None:
        defects.add(f"unknown charset {label[:40]!r}")
        return _best_effort(data)
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        pass
    except Exception:  # a codec that fails in its own way (utf-7, CJK state machines)
        defects.add(f"charset {label[:40]!r} failed")
        return _best_effort(data)
    defects.add(f"text not valid {label[:40]}")
    if codec != "utf-8":
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode(codec, "replace")
    # Labelled UTF-8: a few broken characters keep the UTF-8 reading; Latin text mislabelled
    # as UTF-8 (every accented letter broken) is read as Windows-1252.
    as_utf8 = data.decode("utf-8", "replace")
    broken = as_utf8.count("\ufffd")
    high = sum(1 for byte in data if byte > 0x7F)
    return as_utf8 if broken * 4 <= high else data.decode("cp1252", "replace")


_SURROGATES = re.compile("[\udc80-\udcff]")


def _fix_8bit(value: str) -> str:
    """Raw 8-bit bytes the parser kept as escapes, read as UTF-8 or Windows-1252."""
    if not _SURROGATES.search(value):
        return value
    return _best_effort(value.encode("utf-8", "surrogateescape"))


# --- Headers --------------------------------------------------------------------------

_FOLD = re.compile(r"\r?\n(?=[ \t])|\r(?=[ \t])")
_LINE_BREAKS = re.compile(r"[\r\n]+")


class _Headers:
    """One part's header fields, raw, unfolded and with raw 8-bit bytes decoded."""

    def __init__(self, part: Message, defects: _Defects) -> None:
        self.items: list[tuple[str, str]] = []
        for name, value in part.raw_items():
            text = str(value)
            if _SURROGATES.search(text):
                defects.add("raw 8-bit bytes in a header")
                text = _fix_8bit(text)
            text = _LINE_BREAKS.sub(" ", _FOLD.sub("", text))
            self.items.append((str(name).strip().lower(), text))

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.items if key == name]

    def first(self, name: str) -> str | None:
        return next((value for key, value in self.items if key == name), None)

    def has(self, name: str) -> bool:
        return any(key == name for key, _ in self.items)


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([BbQq])\?([^?]*)\?=")
_LEFTOVER_WORD = re.compile(r"=\?[^?\s]+\?")
_QP_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")


def _word_bytes(encoding: str, text: str, defects: _Defects) -> bytes:
    if encoding in "Bb":
        cleaned = re.sub(r"[^A-Za-z0-9+/]", "", text)
        if cleaned != text.rstrip("="):
            defects.add("invalid base64 in an encoded word")
        if len(cleaned) % 4 == 1:
            defects.add("invalid base64 in an encoded word")
            cleaned = cleaned[:-1]
        try:
            return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))
        except (binascii.Error, ValueError):
            defects.add("invalid base64 in an encoded word")
            return b""
    raw = text.replace("_", " ").encode("utf-8", "surrogateescape")
    return _QP_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), raw)


def _decode_header(value: str, defects: _Defects) -> str:
    """RFC 2047: encoded words decoded, adjacent ones joined (also when a multi-byte
    character was split between them), unknown charsets read as UTF-8 or Windows-1252."""
    if "=?" not in value:
        return value
    parts: list[str] = []
    pending = bytearray()
    pending_charset = ""

    def flush() -> None:
        if pending:
            parts.append(_decode_bytes(bytes(pending), pending_charset, defects))
            pending.clear()

    position = 0
    after_word = False
    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        if not (after_word and not between.strip()):
            flush()
            parts.append(between)
        charset = match.group(1).split("*", 1)[0].lower()
        if pending and charset != pending_charset:
            flush()
        pending_charset = charset
        pending.extend(_word_bytes(match.group(2), match.group(3), defects))
        position = match.end()
        after_word = True
    flush()
    parts.append(value[position:])
    decoded = "".join(parts)
    if _LEFTOVER_WORD.search(decoded):
        defects.add("invalid encoded word in a header")
    return decoded


def _collapse(value: str) -> str:
    return " ".join(value.split())


_MESSAGE_ID = re.compile(r"<([^<>]*)>")


def _message_ids(value: str) -> list[str]:
    """Every "<local@domain>" in a header value, in order, without whitespace."""
    found: list[str] = []
    for match in _MESSAGE_ID.finditer(value):
        inner = "".join(match.group(1).split())
        if inner:
            found.append(f"<{inner}>")
    if not found:  # bare ids, as some mailers write them
        for token in value.split():
            bare = token.strip("<>,;()\"'")
            if "@" in bare and not bare.startswith("@") and not bare.endswith("@"):
                found.append(f"<{bare}>")
    return found


def _unique(items: Iterable[T]) -> list[T]:
    return list(dict.fromkeys(items))


_ADDR_SPEC = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+")
_ANY_ADDRESS = re.compile(r"[\w.+'=-]+@[\w-]+(?:\.[\w-]+)+")


def _addresses(values: list[str], defects: _Defects) -> list[tuple[str, str]]:
    """(decoded display name, lowercased addr-spec or "") for each address."""
    if not values:
        return []
    try:
        pairs = getaddresses(values)
    except Exception:
        defects.add("unparseable address header")
        pairs = [("", match) for value in values for match in _ANY_ADDRESS.findall(value)]
    result = []
    for name, address in pairs:
        clean = address.strip().strip("<>").strip().rstrip(".")
        clean = clean.lower() if _ADDR_SPEC.fullmatch(clean) else ""
        result.append((_collapse(_decode_header(name, defects)).strip("\"' "), clean))
    return result


def _date(value: str | None, defects: _Defects) -> dt.datetime | None:
    if not value or not value.strip():
        return None
    try:
        date = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        defects.add("unparseable Date")
        return None
    return date if date.tzinfo is not None else date.replace(tzinfo=dt.UTC)


# --- MIME parts -----------------------------------------------------------------------


def _compat(part: Message) -> Message:
    """The same headers under compat32, which reads what the modern policy rejects."""
    view = Message(policy=policy.compat32)
    for name, value in part.raw_items():
        view[name] = value
    return view


def _read(part: Message, getter: Callable[[Message], T], default: T, defects: _Defects) -> T:
    try:
        return getter(part)
    except Exception:
        defects.add("header unreadable by the modern parser")
    try:
        return getter(_compat(part))
    except Exception:
        defects.add("header unreadable")
        return default


def _content_type(part: Message, defects: _Defects) -> str:
    return _read(part, lambda p: p.get_content_type().lower(), "text/plain", defects)


def _param(part: Message, name: str, defects: _Defects) -> str:
    def getter(p: Message) -> str:
        value = p.get_param(name)
        if isinstance(value, tuple):
            return str(value[2])
        return str(value) if isinstance(value, str) else ""

    return _fix_8bit(_read(part, getter, "", defects)).strip().lower()


def _disposition(part: Message, defects: _Defects) -> str | None:
    value = _read(part, lambda p: p.get_content_disposition(), None, defects)
    return value.strip().lower() if value else None


def _filename(part: Message, defects: _Defects) -> str:
    name = _read(part, lambda p: p.get_filename(), None, defects)
    if not name:
        return ""
    return _collapse(_decode_header(_fix_8bit(str(name)), defects))


def _content_id(part: Message) -> str:
    for key, value in part.raw_items():
        if key.lower() == "content-id":
            return "".join(_fix_8bit(str(value)).split()).strip("<>")
    return ""


def _payload_bytes(part: Message, defects: _Defects) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        defects.add("undecodable part body")
        data = None
    if isinstance(data, bytes):
        return data
    try:
        payload = part.get_payload()
    except Exception:
        return b""
    return payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""


def _as_bytes(message: Message, defects: _Defects) -> bytes:
    """A message re-serialised as it came (headers not refolded)."""
    for generator_policy in (
        policy.default.clone(refold_source="none", linesep="\r\n"),
        policy.compat32.clone(linesep="\r\n"),
    ):
        buffer = BytesIO()
        try:
            BytesGenerator(buffer, mangle_from_=False, policy=generator_policy).flatten(message)
        except Exception:  # noqa: S112 - the next policy is the fallback
            continue
        return buffer.getvalue()
    defects.add("forwarded message could not be re-serialised")
    return b""


_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


def _text_of(part: Message, content_type: str, defects: _Defects) -> str:
    data = _payload_bytes(part, defects)
    charset = _param(part, "charset", defects) or None
    if charset is None and content_type == "text/html":
        match = _META_CHARSET.search(data[:4096])
        charset = match.group(1).decode("ascii") if match else None
    text = _decode_bytes(data, charset, defects).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x00", "").replace("\ufeff", "")
    if content_type == "text/plain" and _param(part, "format", defects) == "flowed":
        text = _unflow(text, delsp=_param(part, "delsp", defects) == "yes")
    return text


def _unflow(text: str, *, delsp: bool) -> str:
    """RFC 3676 format=flowed: soft line breaks joined, quote depths kept apart."""
    lines: list[str] = []
    current: str | None = None
    depth = 0

    def prefix(level: int) -> str:
        return ">" * level + " " if level else ""

    for line in text.split("\n"):
        level = len(line) - len(line.lstrip(">"))
        content = line[level:]
        if content.startswith(" "):
            content = content[1:]
        if current is not None and level != depth:
            lines.append(prefix(depth) + current)
            current = None
        flowed = content.endswith(" ") and content != "-- "
        if flowed and delsp:
            content = content[:-1]
        current = content if current is None else current + content
        depth = level
        if not flowed:
            lines.append(prefix(depth) + current)
            current = None
    if current is not None:
        lines.append(prefix(depth) + current)
    return "\n".join(lines)


_KNOWN_EXTENSIONS = {
    "application/octet-stream": ".bin",
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/calendar": ".ics",
    "text/csv": ".csv",
    "message/rfc822": ".eml",
    "message/delivery-status": ".txt",
    "text/rfc822-headers": ".txt",
}
# Python's own table only, so a generated name never depends on the machine's mime.types.
_MIME_TYPES = mimetypes.MimeTypes()


def _generated_name(number: int, content_type: str) -> str:
    extension = _KNOWN_EXTENSIONS.get(content_type) or _MIME_TYPES.guess_extension(
        content_type, strict=False
    )
    return f"attachment-{number}{extension or '.bin'}"


def _clean_filename(name: str) -> str:
    name = "".join(ch for ch in name if unicodedata.category(ch) != "Cc")
    name = re.split(r"[\\/]", name)[-1]
    return _collapse(name)[:255].strip()


@dataclass
class _Segment:
    """A stretch of the body: its text, its HTML, or both (the two of an alternative)."""

    text: str | None = None
    html: str | None = None


def _segments_text(segments: list[_Segment]) -> str:
    texts = []
    for segment in segments:
        text = segment.text if segment.text is not None else _html_to_text(segment.html or "")
        if text.strip():
            texts.append(text.strip("\n"))
    return "\n\n".join(texts)


def _segments_html(segments: list[_Segment]) -> str:
    pieces = []
    for segment in segments:
        if segment.html is not None:
            pieces.append(segment.html)
        elif segment.text and segment.text.strip():
            pieces.append(f"<pre>{html_lib.escape(segment.text)}</pre>")
    return "\n".join(pieces)


_BOUNDARY_LINE = re.compile(rb"^--([^\s\"]{1,200})[ \t]*\n(?=[\w-]+:)", re.MULTILINE)
_HEADER_ID_LINE = re.compile(r"^[ \t>]*message-id:[ \t]*(.*(?:\n[ \t]+.*)*)", re.I | re.MULTILINE)


def _scan_message_ids(text: str) -> list[str]:
    """Message-IDs of header lines inside a text (a bounce quoting the message)."""
    ids: list[str] = []
    for match in _HEADER_ID_LINE.finditer(text.replace("\r\n", "\n")):
        ids.extend(_message_ids(match.group(1))[:1])
    return ids


class _Walker:
    """Reads the MIME tree: the body as segments, the rest as attachments."""

    def __init__(self, defects: _Defects) -> None:
        self.defects = defects
        self.attachments: list[ParsedAttachment] = []
        self.attachments_seen = 0
        self.returned_ids: list[str] = []
        self.delivery_report = False
        self.recoveries = 0

    def walk(
        self, part: Message, depth: int, *, root: bool = False, collect: bool = True
    ) -> list[_Segment]:
        if depth > MAX_DEPTH:
            self.defects.add(f"MIME nesting deeper than {MAX_DEPTH} levels; inner parts left out")
            return []
        for defect in getattr(part, "defects", []):
            self.defects.add(_describe(defect))
        content_type = _content_type(part, self.defects)
        # get_payload() of a leaf may decode it (a copy); only a list is wanted here.
        payload = part.get_payload() if part.is_multipart() else None
        if content_type.startswith("multipart/"):
            if not isinstance(payload, list):
                return self._broken_multipart(part, content_type, depth, collect=collect)
            children = [child for child in payload if isinstance(child, Message)]
            if content_type == "multipart/alternative":
                return self._alternative(children, depth, collect=collect)
            if content_type == "multipart/report":
                return self._report(part, children, depth, collect=collect)
            segments = []
            for child in children:
                segments.extend(self.walk(child, depth + 1, collect=collect))
            return segments
        if isinstance(payload, list):
            inner = [child for child in payload if isinstance(child, Message)]
            if content_type in ("message/rfc822", "message/global") and inner:
                return self._forward(part, inner[0], depth, collect=collect)
            if collect:
                self._attach(part, content_type, content=self._blocks(inner))
            return []
        return self._leaf(part, content_type, root=root, collect=collect)

    def _leaf(
        self, part: Message, content_type: str, *, root: bool, collect: bool
    ) -> list[_Segment]:
        disposition = _disposition(part, self.defects)
        filename = _filename(part, self.defects)
        if (
            content_type in ("text/plain", "text/html")
            and disposition != "attachment"
            and (root or not filename)
        ):
            text = _text_of(part, content_type, self.defects)
            if content_type == "text/plain":
                return [_Segment(text=text)]
            return [_Segment(html=text)]
        if collect:
            self._attach(part, content_type, disposition=disposition, filename=filename)
        return []

    def _alternative(self, children: list[Message], depth: int, *, collect: bool) -> list[_Segment]:
        # The first plain text, and the last HTML (RFC 2046 puts the richest last).
        text: list[_Segment] | None = None
        rich: list[_Segment] | None = None
        for child in children:
            segments = self.walk(child, depth + 1, collect=collect)
            if text is None and any(segment.text is not None for segment in segments):
                text = segments
            if any(segment.html is not None for segment in segments):
                rich = segments
        if text is None and rich is None:
            return []
        return [
            _Segment(
                text=_segments_text(text) if text is not None else None,
                html=_segments_html(rich) if rich is not None else None,
            )
        ]

    def _report(
        self, part: Message, children: list[Message], depth: int, *, collect: bool
    ) -> list[_Segment]:
        if _param(part, "report-type", self.defects) == "delivery-status":
            self.delivery_report = True
        segments: list[_Segment] = []
        for child in children:
            content_type = _content_type(child, self.defects)
            payload = child.get_payload() if child.is_multipart() else None
            inner = (
                [m for m in payload if isinstance(m, Message)] if isinstance(payload, list) else []
            )
            if content_type in ("message/rfc822", "message/global") and inner:
                returned = _Headers(inner[0], self.defects)
                self.returned_ids.extend(_message_ids(returned.first("message-id") or "")[:1])
                if collect:
                    self._attach(
                        child,
                        "message/rfc822",
                        filename="returned-message.eml",
                        content=_as_bytes(inner[0], self.defects),
                    )
            elif content_type == "text/rfc822-headers":
                data = _payload_bytes(child, self.defects)
                self.returned_ids.extend(_scan_message_ids(_best_effort(data)))
                if collect:
                    self._attach(child, content_type, filename="returned-headers.txt", content=data)
            elif content_type.startswith("message/"):
                if collect:
                    name = content_type.split("/", 1)[1]
                    content = self._blocks(inner) if inner else _payload_bytes(child, self.defects)
                    self._attach(child, content_type, filename=f"{name}.txt", content=content)
            else:
                segments.extend(self.walk(child, depth + 1, collect=collect))
        return segments

    def _forward(
        self, part: Message, inner: Message, depth: int, *, collect: bool
    ) -> list[_Segment]:
        headers = _Headers(inner, self.defects)
        self.returned_ids.extend(_message_ids(headers.first("message-id") or "")[:1])
        lines = ["---------- Forwarded message ----------"]
        for label, name in (
            ("From", "from"),
            ("Date", "date"),
            ("Subject", "subject"),
            ("To", "to"),
            ("Cc", "cc"),
        ):
            value = headers.first(name)
            if value is not None and value.strip():
                lines.append(f"{label}: {_collapse(_decode_header(value, self.defects))}")
        segments = self.walk(inner, depth + 1, root=True, collect=False)
        body = _segments_text(segments)
        text = "\n".join(lines) + ("\n\n" + body if body else "")
        html = None
        if any(segment.html is not None for segment in segments):
            heading = "<br>".join(html_lib.escape(line) for line in lines)
            html = f"<p>{heading}</p>\n{_segments_html(segments)}"
        if collect:
            disposition = _disposition(part, self.defects)
            self._attach(
                part,
                "message/rfc822",
                disposition="attachment" if disposition == "inline" else disposition,
                filename=_filename(part, self.defects) or "forwarded-message.eml",
                content=_as_bytes(inner, self.defects),
            )
        return [_Segment(text=text, html=html)]

    def _broken_multipart(
        self, part: Message, content_type: str, depth: int, *, collect: bool
    ) -> list[_Segment]:
        """A multipart whose boundary is missing or wrong: re-read with the boundary its
        body actually uses, or else keep the body as text."""
        data = _payload_bytes(part, self.defects)
        match = _BOUNDARY_LINE.search(data.replace(b"\r\n", b"\n"))
        if match and self.recoveries < MAX_RECOVERIES:
            self.recoveries += 1
            self.defects.add("multipart boundary missing or wrong; recovered from the body")
            head = b'Content-Type: %s; boundary="%s"\r\n\r\n' % (
                content_type.encode("ascii", "replace"),
                match.group(1),
            )
            try:
                recovered = BytesParser(policy=policy.default).parsebytes(head + data)
            except Exception:
                self.defects.add("multipart could not be recovered")
            else:
                if isinstance(recovered.get_payload(), list):
                    return self.walk(recovered, depth + 1, collect=collect)
        self.defects.add("multipart without parts; body kept as text")
        body = _text_of(part, "text/plain", self.defects)
        return [_Segment(text=body)] if body.strip() else []

    def _blocks(self, blocks: list[Message]) -> bytes:
        """A message/delivery-status body: its header blocks, as they came."""
        out: list[str] = []
        for block in blocks:
            out.extend(f"{name}: {value}\r\n" for name, value in block.raw_items())
            out.append("\r\n")
        return "".join(out).encode("utf-8", "surrogateescape")

    def _attach(
        self,
        part: Message,
        content_type: str,
        *,
        disposition: str | None = None,
        filename: str = "",
        content: bytes | None = None,
    ) -> None:
        self.attachments_seen += 1
        if len(self.attachments) >= MAX_ATTACHMENTS:
            return
        content_id = _content_id(part)
        self.attachments.append(
            ParsedAttachment(
                filename=_clean_filename(filename)
                or _generated_name(len(self.attachments) + 1, content_type),
                content_type=content_type,
                content=content if content is not None else _payload_bytes(part, self.defects),
                inline=disposition == "inline" or (disposition is None and bool(content_id)),
                content_id=content_id,
            )
        )


def _describe(defect: object) -> str:
    """MissingHeaderBodySeparatorDefect -> "missing header body separator"."""
    name = type(defect).__name__.removesuffix("Defect")
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()


# --- HTML -----------------------------------------------------------------------------

_CLEANER = nh3.Cleaner(
    clean_content_tags={"script", "style", "title", "template", "textarea", "noscript"},
    url_schemes={"http", "https", "mailto", "tel"},
    url_relative="deny",
    attribute_filter=lambda tag, attribute, value: (
        None
        if tag == "img"
        and attribute == "src"
        and not value.strip().lower().startswith(("http://", "https://"))
        else value
    ),
)


def _sanitize(html: str) -> str:
    return _CLEANER.clean(html).strip()


_PARAGRAPH_TAGS = _words(
    "address article aside blockquote center dl fieldset figure footer form h1 h2 h3 "
    "h4 h5 h6 header hr main nav ol p pre section table ul"
)
_LINE_TAGS = frozenset({"caption", "dd", "div", "dt", "li", "tr"})
_HIDDEN_TAGS = frozenset({"script", "style", "title", "template", "head"})


class _TextExtractor(HTMLParser):
    """Readable text from HTML: block elements on their own lines, blockquotes quoted
    with "> " (so quoted history is recognised), entities decoded, no tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.quote = 0
        self.pre = 0
        self.hidden: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [is ordered, items so far]

    def flush(self) -> None:
        line = "".join(self.current)
        self.current = []
        if not self.pre:
            line = " ".join(line.split())
        if line.strip():
            self.lines.append("> " * self.quote + line.rstrip())

    def gap(self) -> None:
        self.flush()
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def line_break(self) -> None:
        """<br>: ends the line; a <br> on an empty line leaves a blank one."""
        if "".join(self.current).strip():
            self.flush()
        else:
            self.current = []
            if self.lines and self.lines[-1] != "":
                self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.line_break()
            return
        if tag in _HIDDEN_TAGS:
            if tag != "head":
                self.hidden.append(tag)
            return
        if tag in _PARAGRAPH_TAGS:
            self.gap()
        elif tag in _LINE_TAGS:
            self.flush()
        if tag == "blockquote":
            self.quote += 1
        elif tag == "pre":
            self.pre += 1
        elif tag in ("ul", "ol"):
            self.lists.append([tag == "ol", 0])
        elif tag == "li":
            marker = "- "
            if self.lists:
                self.lists[-1][1] += 1
                if self.lists[-1][0]:
                    marker = f"{self.lists[-1][1]}. "
            self.current.append(marker)
        elif tag in ("td", "th") and "".join(self.current).strip():
            self.current.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr"):
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            if tag in self.hidden:
                while self.hidden and self.hidden.pop() != tag:
                    pass
            return
        if tag in _PARAGRAPH_TAGS:
            self.gap()
        elif tag in _LINE_TAGS:
            self.flush()
        if tag == "blockquote" and self.quote:
            self.quote -= 1
        elif tag == "pre" and self.pre:
            self.pre -= 1
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.pre:
            first, *rest = data.split("\n")
            self.current.append(first)
            for line in rest:
                self.flush()
                self.current.append(line)
        else:
            self.current.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        self.flush()
        return "\n".join(self.lines).strip("\n")


def _html_to_text(html: str) -> str:
    extractor = _TextExtractor()
    try:
        extractor.feed(html)
        extractor.close()
    except Exception:  # HTMLParser is lenient; this is the last guard
        return _collapse(re.sub(r"<[^>]*>", " ", html))
    return extractor.text().replace("\xa0", " ")


# --- Quoted history and signatures -----------------------------------------------------

_ATTRIBUTION = re.compile(
    r"^\s*(?:"
    r"On\b.{1,300}\bwrote|El\b.{1,300}\bescribi[óo]|Le\b.{1,300}\ba\s+écrit"
    r"|Am\b.{1,300}\bschrieb.{0,100}|Em\b.{1,300}\bescreveu|Il\b.{1,300}\bha\s+scritto"
    r"|Op\b.{1,300}\bschreef|.{1,300}\bva\s+escriure"
    r")\s*:\s*$",
    re.IGNORECASE | re.DOTALL,
)
_ATTRIBUTION_START = re.compile(r"^\s*(?:On|El|Le|Am|Em|Il|Op)\b|va escriure", re.IGNORECASE)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(?:Original Message|Mensaje original|Message d'origine|Missatge original"
    r"|Ursprüngliche Nachricht|Messaggio originale|Mensagem original)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_FORWARD_MARKER = re.compile(
    r"^\s*(?:-{2,}\s*(?:Forwarded message|Mensaje reenviado|Missatge reenviat"
    r"|Message transféré|Weitergeleitete Nachricht|Mensagem encaminhada)\s*-{2,}"
    r"|Begin forwarded message\s*:|(?:Inicio|Comienzo) del mensaje reenviado\s*:)\s*$",
    re.IGNORECASE,
)
_FORWARD_SUBJECT = re.compile(r"^\s*(?:\[[^\]]*\]\s*)*(?:fwd?|rv|tr|wg|reenv)\s*:", re.IGNORECASE)
_FROM_LINE = re.compile(r"^\s*\*?(?:From|De|Von|Da|Van|Från)\s*:\*?\s*\S", re.IGNORECASE)
_SENT_LINE = re.compile(
    r"^\s*\*?(?:Sent|Date|Enviado|Fecha|Gesendet|Datum|Envoyé|Inviato|Data|Enviat)\s*:\*?\s*\S",
    re.IGNORECASE,
)
_FROM_SENT_LINE = re.compile(
    r"^\s*\*?(?:From|De)\s*:.*\b(?:Sent|Enviado|Date|Fecha)\s*:", re.IGNORECASE
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_MOBILE_SIGNATURE = re.compile(
    r"^\s*(?:Sent from my \w[\w ]{0,30}|Enviado desde mi \w[\w ]{0,30}"
    r"|Enviat des del meu \w[\w ]{0,30}|Sent from (?:Mail|Outlook) for \w+"
    r"|Enviado desde (?:Correo|Outlook) para \w+|(?:Get|Obtener) Outlook (?:for|para) \w+"
    r"|Sent from Yahoo Mail.{0,40}|Enviado desde Yahoo Mail.{0,40})[.!]?\s*$",
    re.IGNORECASE,
)


def _header_block_at(lines: list[str], index: int) -> bool:
    """Outlook's "From: … Sent: …" block (one line or several) starts at this line."""
    if _FROM_SENT_LINE.match(lines[index]):
        return True
    if not _FROM_LINE.match(lines[index]):
        return False
    following = [line for line in lines[index + 1 : index + 5] if line.strip()]
    return any(_SENT_LINE.match(line) for line in following[:3])


def _attribution_at(lines: list[str], index: int) -> bool:
    """The "On <date>, <name> wrote:" line starts here (clients wrap it over up to 3)."""
    if not _ATTRIBUTION_START.search(lines[index]):
        return False
    joined = ""
    for line in lines[index : index + 3]:
        if not line.strip():
            return False
        joined = f"{joined} {line.strip()}" if joined else line
        # A real attribution carries a date: "El técnico nos escribió:" is the customer's.
        if _ATTRIBUTION.match(joined) and any(ch.isdigit() for ch in joined):
            return True
    return False


def _tidy(text: str) -> str:
    """Trailing spaces and runs of blank lines gone (a "-- " delimiter is kept)."""
    lines = [line if line == "-- " else line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _reply_text(text: str, subject: str) -> str:
    lines = text.split("\n")
    is_forward = bool(_FORWARD_SUBJECT.match(subject))
    forward = len(lines)
    for index, line in enumerate(lines):
        if _FORWARD_MARKER.match(line) or (
            is_forward and (_ORIGINAL_MESSAGE.match(line) or _header_block_at(lines, index))
        ):
            forward = index - 1 if index and _UNDERSCORES.match(lines[index - 1]) else index
            break
    # Quoted history: cut there, and the rest (a forward inside the history included).
    cut = None
    for index in range(forward):
        line = lines[index]
        if _ORIGINAL_MESSAGE.match(line) or _attribution_at(lines, index):
            cut = index
            break
        if _header_block_at(lines, index):
            cut = index
            if index and _UNDERSCORES.match(lines[index - 1]):
                cut = index - 1
            break
        if (
            _UNDERSCORES.match(line)
            and index + 1 < forward
            and (_header_block_at(lines, index + 1))
        ):
            cut = index
            break
    if cut is not None:
        own, forwarded = lines[:cut], []
    else:
        own, forwarded = lines[:forward], lines[forward:]
    # The signature, up to the forward (if any).
    for index, line in enumerate(own):
        if line.strip() == "--" or line == "-- " or _MOBILE_SIGNATURE.match(line):
            own = own[:index]
            break
    own = [line for line in own if not line.lstrip().startswith(">")]
    reply = _tidy("\n".join(own))
    if forwarded:
        reply = _tidy(reply + "\n\n" + "\n".join(forwarded))
    return reply if reply.strip() else text.strip()


# --- Automatic mail and bounces --------------------------------------------------------

_AUTO_LOCAL_PARTS = _words(
    "mailer-daemon postmaster noreply no-reply no_reply donotreply do-not-reply "
    "do_not_reply auto-reply autoreply"
)
_AUTO_PREFIXES = ("noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply")
_AUTO_HEADERS = ("x-auto-response-suppress", "list-id", "list-unsubscribe")
_AUTO_REPLY_HEADERS = ("x-autoreply", "x-autorespond", "x-autoresponder", "x-autoreply-from")
_DSN_SUBJECT = re.compile(
    r"undeliver|delivery status notification|mail delivery fail|returned mail|failure notice"
    r"|delivery failure|delivery has failed|no se ha podido entregar|no se puede entregar"
    r"|notificaci[óo]n de estado de (?:la )?entrega|message not delivered",
    re.IGNORECASE,
)


def _local_part(address: str) -> str:
    return address.rsplit("@", 1)[0].split("+", 1)[0]


def _is_auto_sender(address: str) -> bool:
    local = _local_part(address)
    return local in _AUTO_LOCAL_PARTS or local.startswith(_AUTO_PREFIXES)


def _is_auto(headers: _Headers, senders: list[str], content_type: str) -> bool:
    submitted = headers.first("auto-submitted")
    if submitted is not None and submitted.split(";")[0].strip().lower() not in ("no", ""):
        return True
    precedence = (headers.first("precedence") or "").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return True
    if any(headers.has(name) for name in (*_AUTO_HEADERS, *_AUTO_REPLY_HEADERS)):
        return True
    if any(value.strip() == "<>" for value in headers.all("return-path")):
        return True
    return content_type == "multipart/report" or any(_is_auto_sender(s) for s in senders)


# --- The whole message ------------------------------------------------------------------


def _parse_structure(raw: bytes, defects: _Defects) -> tuple[Message, bool]:
    """The parsed message, and whether its body was parsed."""
    try:
        return BytesParser(policy=policy.default).parsebytes(raw), True
    except RecursionError:
        defects.add("MIME structure nested too deeply; body not read")
    except Exception as error:
        defects.add(f"modern parser failed ({type(error).__name__}); compat32 used")
        try:
            return BytesParser(policy=policy.compat32).parsebytes(raw), True
        except RecursionError:
            defects.add("MIME structure nested too deeply; body not read")
        except Exception as compat_error:
            defects.add(f"parser failed ({type(compat_error).__name__}); body not read")
    try:
        return BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True), False
    except Exception as error:
        raise ParseError(f"unreadable header block ({type(error).__name__})") from error


def _is_email(headers: _Headers) -> bool:
    return any(name in _EMAIL_HEADERS for name, _ in headers.items)


_HEADER_LINE = re.compile(rb"([!-9;-~]+)[ \t]*:")


def _header_start(raw: bytes) -> int:
    """Where a recognisable header field starts within the first lines, or 0."""
    offset = 0
    for number, line in enumerate(raw[:8192].split(b"\n")[:12]):
        match = _HEADER_LINE.match(line)
        if number and match and match.group(1).decode("ascii").lower() in _EMAIL_HEADERS:
            return offset
        offset += len(line) + 1
    return 0


def parse_email(raw: bytes) -> ParsedEmail:
    raw = bytes(raw).lstrip(b"\r\n")
    if not raw.strip():
        raise ParseError("empty message")
    defects = _Defects()
    message, body_read = _parse_structure(raw, defects)
    headers = _Headers(message, defects)
    if not _is_email(headers):
        # A mangled first line hides the whole header block from the parser.
        start = _header_start(raw)
        if start:
            defects = _Defects()
            defects.add("unreadable lines before the header block skipped")
            message, body_read = _parse_structure(raw[start:], defects)
            headers = _Headers(message, defects)
        if not _is_email(headers):
            raise ParseError("no e-mail header block")

    message_ids = _message_ids(headers.first("message-id") or "")
    if len(headers.all("message-id")) > 1:
        defects.add("more than one Message-ID")
    in_reply_to = _unique(i for value in headers.all("in-reply-to") for i in _message_ids(value))
    references = _unique(i for value in headers.all("references") for i in _message_ids(value))

    senders = _addresses(headers.all("from")[:1], defects)
    if not senders:
        defects.add("missing From")
        senders = _addresses(headers.all("sender")[:1], defects)
    from_name, from_address = senders[0] if senders else ("", "")
    if senders and not from_address:
        defects.add("unparseable From address")
    recipients = _unique(
        address
        for name in _RECIPIENT_HEADERS
        for _, address in _addresses(headers.all(name), defects)
        if address
    )
    subject = _collapse(_decode_header(headers.first("subject") or "", defects))
    date = _date(headers.first("date"), defects)

    walker = _Walker(defects)
    segments: list[_Segment] = []
    if body_read:
        try:
            segments = walker.walk(message, 0, root=True)
        except Exception as error:  # the last guard: headers are still worth keeping
            defects.add(f"body unreadable ({type(error).__name__})")
    if walker.attachments_seen > MAX_ATTACHMENTS:
        defects.add(f"{walker.attachments_seen} attachments; only the first {MAX_ATTACHMENTS} kept")

    text = _tidy(_segments_text(segments))
    html = ""
    if any(segment.html is not None for segment in segments):
        html = _sanitize(_segments_html(segments))

    content_type = _content_type(message, defects)
    sender_addresses = [from_address] + [
        address for _, address in _addresses(headers.all("sender"), defects)
    ]
    is_bounce = walker.delivery_report or (
        any(_local_part(a) in ("mailer-daemon", "postmaster") for a in sender_addresses if a)
        and bool(_DSN_SUBJECT.search(subject))
    )
    if headers.has("x-failed-recipients"):
        is_bounce = True
    bounced: list[str] = []
    if is_bounce:
        bounced = _unique([*walker.returned_ids, *_scan_message_ids(text)])

    return ParsedEmail(
        message_id=message_ids[0] if message_ids else "",
        in_reply_to=in_reply_to,
        references=references,
        from_address=from_address,
        from_name=from_name,
        recipients=recipients,
        subject=subject,
        date=date,
        text=text,
        reply_text=_reply_text(text, subject) if text else "",
        html=html,
        attachments=walker.attachments,
        is_auto=is_bounce or _is_auto(headers, sender_addresses, content_type),
        is_bounce=is_bounce,
        bounced_message_ids=bounced,
        defects=defects.items,
    )
