"""Telegram's parse modes: turn HTML / MarkdownV2 / Markdown into plain text plus entities.

Telegram rejects text it cannot parse ("can't parse entities: ..."), and a bot that sends
`<br>` or an unescaped "." in MarkdownV2 fails in production. The sandbox enforces the same
rules so those mistakes show up in tests. Entity offsets are in UTF-16 code units, as in the
Bot API.
"""

from __future__ import annotations

import html
import re
from typing import Any

from bot.sandbox.errors import ApiError, bad_request

Entity = dict[str, Any]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _parse_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


class _Builder:
    """Accumulates plain text and tracks its UTF-16 length for entity offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.entities: list[Entity] = []

    def add(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.length += utf16_len(text)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        length = self.length - start
        if length > 0:  # Telegram silently drops empty entities.
            self.entities.append({"type": kind, "offset": start, "length": length, **extra})

    def result(self) -> tuple[str, list[Entity]]:
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), self.entities


# ---------------------------------------------------------------------------------------------
# HTML

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)?([^<>]*)>")
_ATTR_RE = re.compile(r"""([A-Za-z_:-]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_CHARREF_RE = re.compile(r"&(#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|lt;|gt;|amp;|quot;)")


def _unescape(text: str) -> str:
    # Only the entities Telegram documents; anything else (e.g. "&nbsp;") stays as typed.
    return _CHARREF_RE.sub(lambda m: html.unescape(m.group(0)), text)


def _attrs(raw: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTR_RE.finditer(raw):
        value = match.group(2) or ""
        if value[:1] in {'"', "'"}:
            value = value[1:-1]
        found[match.group(1).lower()] = _unescape(value)
    return found


def parse_html(text: str) -> tuple[str, list[Entity]]:
    out = _Builder()
    # Open tags: (name, start offset, attributes, byte offset of the tag).
    stack: list[tuple[str, int, dict[str, str], int]] = []
    pos = 0
    while pos < len(text):
        lt = text.find("<", pos)
        if lt < 0:
            out.add(_unescape(text[pos:]))
            break
        out.add(_unescape(text[pos:lt]))
        match = _TAG_RE.match(text, lt)
        if match is None:
            raise _parse_error(f"Unclosed start tag at byte offset {_byte_offset(text, lt)}")
        closing, name, raw_attrs = match.group(1), (match.group(2) or "").lower(), match.group(3)
        if closing:
            if not stack:
                raise _parse_error(f"Unexpected end tag at byte offset {_byte_offset(text, lt)}")
            open_name, start, attrs, _ = stack.pop()
            if name != open_name:
                raise _parse_error(
                    f"Unmatched end tag at byte offset {_byte_offset(text, lt)}, "
                    f'expected "</{open_name}>", found "</{name}>"'
                )
            _close_html(out, stack, open_name, start, attrs)
        else:
            if name not in _HTML_TAGS:
                raise _parse_error(
                    f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, lt)}'
                )
            attrs = _attrs(raw_attrs)
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise _parse_error(
                    f'Tag "span" must have class "tg-spoiler" at byte offset '
                    f"{_byte_offset(text, lt)}"
                )
            stack.append((name, out.length, attrs, _byte_offset(text, lt)))
        pos = match.end()
    if stack:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()


def _close_html(
    out: _Builder,
    stack: list[tuple[str, int, dict[str, str], int]],
    name: str,
    start: int,
    attrs: dict[str, str],
) -> None:
    kind = _HTML_TAGS[name]
    if kind == "text_link":
        href = attrs.get("href", "")
        if href:
            out.entity("text_link", start, url=href)
        return
    if kind == "code" and stack and stack[-1][0] == "pre":
        # <pre><code class="language-x"> is one pre entity with a language, as in Telegram.
        language = attrs.get("class", "").removeprefix("language-")
        if language:
            stack[-1][2]["language"] = language
        return
    if kind == "pre":
        extra = {"language": attrs["language"]} if attrs.get("language") else {}
        out.entity("pre", start, **extra)
        return
    if kind == "blockquote":
        out.entity("expandable_blockquote" if "expandable" in attrs else "blockquote", start)
        return
    if kind == "custom_emoji":
        out.entity("custom_emoji", start, custom_emoji_id=attrs.get("emoji-id", ""))
        return
    out.entity(kind, start)


# ---------------------------------------------------------------------------------------------
# MarkdownV2

_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
}


def parse_markdown_v2(text: str) -> tuple[str, list[Entity]]:
    out = _Builder()
    stack: list[tuple[str, int, int]] = []  # (entity type, start offset, source index)
    quote_start: int | None = None
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start:
            at_line_start = False
            if c == ">":
                if quote_start is None:
                    quote_start = out.length
                i += 1
                continue
            if quote_start is not None:
                out.entity("blockquote", quote_start)
                quote_start = None
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) < 127:
            out.add(text[i + 1])
            i += 2
            continue
        if c == "\n":
            # The newline ending a quote belongs outside it, as Telegram does.
            if quote_start is not None and not (i + 1 < n and text[i + 1] == ">"):
                out.entity("blockquote", quote_start)
                quote_start = None
            out.add(c)
            at_line_start = True
            i += 1
            continue
        if c == "`":
            i = _md_code(text, i, out)
            continue
        toggle = _md_toggle(text, i)
        if toggle is not None:
            kind, width = toggle
            if stack and stack[-1][0] == kind:
                _, start, _ = stack.pop()
                out.entity(kind, start)
            elif any(entry[0] == kind for entry in stack):
                raise _parse_error(
                    f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset "
                    f"{_byte_offset(text, stack[-1][2])}"
                )
            else:
                stack.append((kind, out.length, i))
            i += width
            continue
        if c == "[":
            stack.append(("text_link", out.length, i))
            i += 1
            continue
        if c == "]" and stack and stack[-1][0] == "text_link":
            _, start, _ = stack.pop()
            if i + 1 >= n or text[i + 1] != "(":
                raise _parse_error(
                    f"Can't find end of a URL at byte offset {_byte_offset(text, i + 1)}"
                )
            url, i = _md_url(text, i + 2)
            out.entity("text_link", start, url=url)
            continue
        if c in _MDV2_RESERVED:
            raise _parse_error(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        out.add(c)
        i += 1
    if quote_start is not None:
        out.entity("blockquote", quote_start)
    if stack:
        kind, _, index = stack[-1]
        raise _parse_error(
            f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset "
            f"{_byte_offset(text, index)}"
        )
    return out.result()


def _md_toggle(text: str, i: int) -> tuple[str, int] | None:
    pair = text[i : i + 2]
    if pair == "__":
        return "underline", 2
    if pair == "||":
        return "spoiler", 2
    return {"*": ("bold", 1), "_": ("italic", 1), "~": ("strikethrough", 1)}.get(text[i])


def _md_url(text: str, i: int) -> tuple[str, int]:
    chars: list[str] = []
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            chars.append(text[i + 1])
            i += 2
            continue
        if c == ")":
            return "".join(chars), i + 1
        chars.append(c)
        i += 1
    raise _parse_error("Can't find end of a URL")


def _md_code(text: str, i: int, out: _Builder) -> int:
    """Parse `code` or ```pre``` starting at i; return the index after it."""
    fence = 3 if text.startswith("```", i) else 1
    j = i + fence
    language = ""
    if fence == 3:
        newline = text.find("\n", j)
        first_line = text[j:newline] if newline >= 0 else ""
        if newline >= 0 and first_line and " " not in first_line and "`" not in first_line:
            language, j = first_line, newline + 1
    start = out.length
    chars: list[str] = []
    while j < len(text):
        if text[j] == "\\" and j + 1 < len(text):
            chars.append(text[j + 1])
            j += 2
            continue
        if text.startswith("`" * fence, j):
            out.add("".join(chars))
            if fence == 3:
                out.entity("pre", start, **({"language": language} if language else {}))
            else:
                out.entity("code", start)
            return j + fence
        chars.append(text[j])
        j += 1
    kind = "Pre" if fence == 3 else "Code"
    raise _parse_error(f"Can't find end of {kind} entity at byte offset {_byte_offset(text, i)}")


# ---------------------------------------------------------------------------------------------
# Legacy Markdown


def parse_markdown(text: str) -> tuple[str, list[Entity]]:
    out = _Builder()
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if c in "*_":
            end = text.find(c, i + 1)
            if end < 0:
                raise _parse_error(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            start = out.length
            out.add(text[i + 1 : end])
            out.entity("bold" if c == "*" else "italic", start)
            i = end + 1
            continue
        if c == "`":
            i = _md_code(text, i, out)
            continue
        if c == "[":
            close = text.find("](", i)
            end = text.find(")", close + 2) if close >= 0 else -1
            if close < 0 or end < 0:
                raise _parse_error(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            start = out.length
            out.add(text[i + 1 : close])
            out.entity("text_link", start, url=text[close + 2 : end])
            i = end + 1
            continue
        out.add(c)
        i += 1
    return out.result()


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """Apply a Bot API parse_mode (case-insensitive, as Telegram accepts it)."""
    mode = (parse_mode or "").strip().lower()
    if not mode:
        return text, []
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown(text)
    raise bad_request("unsupported parse_mode")


def command_entity(text: str) -> list[Entity]:
    """The bot_command entity Telegram adds to a message that starts with "/command"."""
    match = re.match(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?", text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]
