"""Parse modes and reply_markup checks, without HTTP."""

from __future__ import annotations

import pytest

from bot.sandbox.errors import ApiError
from bot.sandbox.formatting import (
    command_entity,
    parse_html,
    parse_markdown_v2,
    parse_text,
    utf16_len,
)
from bot.sandbox.markup import parse_reply_markup


def test_html_entities_use_utf16_offsets() -> None:
    text, entities = parse_html('😀 <b>bold</b> <a href="https://x.org/?a=1&amp;b=2">link</a>')
    assert text == "😀 bold link"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "offset": 8, "length": 4, "url": "https://x.org/?a=1&b=2"},
    ]
    assert utf16_len("😀") == 2


def test_html_pre_with_language_and_nesting() -> None:
    text, entities = parse_html(
        '<pre><code class="language-python">x = 1</code></pre><i><b>a</b>b</i>'
    )
    assert text == "x = 1ab"
    assert {"type": "pre", "offset": 0, "length": 5, "language": "python"} in entities
    assert {"type": "italic", "offset": 5, "length": 2} in entities
    assert {"type": "bold", "offset": 5, "length": 1} in entities


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", "Unmatched end tag"),
        ("a<br>b", 'Unsupported start tag "br"'),
        ("1 < 2", "Unclosed start tag"),
        ("</b>", "Unexpected end tag"),
        ('<span class="x">a</span>', "tg-spoiler"),
    ],
)
def test_html_errors(html: str, error: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_html(html)
    assert caught.value.description.startswith("Bad Request: can't parse entities: ")
    assert error in caught.value.description


def test_html_escapes() -> None:
    assert (
        parse_html("1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;x&quot; &#128512; &nbsp;")[0]
        == '1 < 2 && 3 > 2 "x" 😀 &nbsp;'
    )


def test_markdown_v2() -> None:
    text, entities = parse_markdown_v2(
        r"*bold* _it_ __under__ ~s~ ||sp|| `c\`` [l](https://a.b/\)) end\."
    )
    assert text == "bold it under s sp c` l end."
    kinds = [(e["type"], text[e["offset"] : e["offset"] + e["length"]]) for e in entities]
    assert kinds == [
        ("bold", "bold"),
        ("italic", "it"),
        ("underline", "under"),
        ("strikethrough", "s"),
        ("spoiler", "sp"),
        ("code", "c`"),
        ("text_link", "l"),
    ]
    assert entities[-1]["url"] == "https://a.b/)"


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("Hello.", "Character '.' is reserved"),
        ("*open", "Can't find end of Bold entity"),
        ("a-b", "'-'"),
    ],
)
def test_markdown_v2_errors(source: str, error: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_markdown_v2(source)
    assert error in caught.value.description


def test_markdown_v2_pre_and_quote() -> None:
    text, entities = parse_markdown_v2("```python\nprint(1)\n```\n>quoted\n>more\nafter")
    assert text == "print(1)\n\nquoted\nmore\nafter"
    assert entities[0] == {"type": "pre", "offset": 0, "length": 9, "language": "python"}
    assert entities[1]["type"] == "blockquote"
    assert text[entities[1]["offset"] :][: entities[1]["length"]] == "quoted\nmore"


def test_legacy_markdown_and_modes() -> None:
    assert parse_text("*b* _i_ [x](http://y)", "Markdown")[0] == "b i x"
    assert parse_text("<b>as is</b>", None) == ("<b>as is</b>", [])
    assert parse_text("<b>x</b>", "html")[0] == "x"  # parse_mode is case-insensitive
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        parse_text("x", "rtf")


def test_command_entity() -> None:
    assert command_entity("/start@TandemSandboxBot abc") == [
        {"type": "bot_command", "offset": 0, "length": len("/start@TandemSandboxBot")}
    ]
    assert command_entity("hello /start") == []


def test_reply_markup_validation() -> None:
    assert parse_reply_markup('{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}') == {
        "inline_keyboard": [[{"text": "A", "callback_data": "a"}]]
    }
    assert parse_reply_markup({"keyboard": [["Yes", {"text": "No"}]], "resize_keyboard": True}) == {
        "keyboard": [[{"text": "Yes"}, {"text": "No"}]],
        "resize_keyboard": True,
    }
    bad = [
        ("{nope", "can't parse reply keyboard markup"),
        ({"inline_keyboard": [[{"text": "A"}]]}, "text buttons are unallowed"),
        ({"inline_keyboard": [[{"text": "", "callback_data": "a"}]]}, "BUTTON_TEXT_INVALID"),
        ({"inline_keyboard": [[{"text": "A", "callback_data": ""}]]}, "BUTTON_DATA_INVALID"),
        (
            {"inline_keyboard": [[{"text": "A", "url": "javascript:alert(1)"}]]},
            "BUTTON_URL_INVALID",
        ),
        ({"inline_keyboard": "x"}, "should be an Array"),
        ({"inline_keyboard": [[{"text": "A", "callback_data": "a"}]] * 101}, "too long"),
        ({"unknown": 1}, "can't parse reply keyboard markup"),
    ]
    for raw, error in bad:
        with pytest.raises(ApiError) as caught:
            parse_reply_markup(raw)
        assert error in caught.value.description, raw
    with pytest.raises(ApiError, match="inline keyboard expected"):
        parse_reply_markup({"remove_keyboard": True}, inline_only=True)
