"""A list of items with the same questions about each (`answer: list`): the people who support
someone — their name, which part of life, how they help — then "Add another" or "That's everyone".

The list in progress is the question's draft, kept in the conversation state, so nothing is lost
between messages: ``{"items": [...], "item": {...}, "at": 0, "sub": ...}`` where `at` is the
item question being asked (-1: "Is there anyone else?") and `sub` is that question's own draft
(ticks of a multiple choice). After each finished item the whole list is recorded again
(`Pending.record`), so the case manager never misses an item even if the person stops there.
The answer is a list of dicts, one per item, keyed by the item questions' ids (None: skipped).

Back inside a list goes back one item question (or re-opens the last item); Back on the first
question of the first item leaves the list.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, Final

from ..conditions import Measure
from ..model import AnswerValue, Button, Expects, MediaInput, Problem
from ..piping import Wording, clean
from ..system import (
    DECLINE_LABEL,
    DECLINE_TOKEN,
    DECLINE_WORDS,
    KEEP_LABEL,
    KEEP_TOKEN,
    SKIP_LABEL,
    SKIP_TOKEN,
    SKIP_WORDS,
    join_words,
    said,
)
from ..texts import Text
from .base import (
    NO_BACK,
    Accepted,
    AnswerKind,
    BadValue,
    Ctx,
    NoBack,
    Pending,
    Piece,
    Reading,
    count_value,
    normalise,
)

ADD_TOKEN: Final = "a"  # noqa: S105
ENOUGH_TOKEN: Final = "e"  # noqa: S105
ADD_WORDS: Final = frozenset({"add", "add another", "another", "yes", "one more", "ie", "oes"})
ENOUGH_WORDS: Final = frozenset(
    {"no", "done", "that's everyone", "thats everyone", "that's all", "thats all", "na", "nac oes"}
)
ITEM_SEPARATOR: Final = " — "


@dataclass(frozen=True, slots=True)
class ItemQuestion:
    id: str
    wording: Wording
    kind: AnswerKind
    skip: bool
    decline: bool


@dataclass(frozen=True, slots=True)
class _Draft:
    items: list[dict[str, AnswerValue]]
    item: dict[str, AnswerValue]
    at: int
    sub: AnswerValue

    def json(self) -> AnswerValue:
        items: list[AnswerValue] = list(self.items)
        return {"items": items, "item": dict(self.item), "at": self.at, "sub": self.sub}


def _empty(item: dict[str, AnswerValue]) -> bool:
    """An item with no answer at all: an "Add another" the person didn't want, whose
    questions were all skipped. It is never stored, shown or shared."""
    return all(value is None for value in item.values())


def _items(value: AnswerValue) -> list[dict[str, AnswerValue]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict) and not _empty(item)]


@dataclass(frozen=True, slots=True)
class ListKind(AnswerKind):
    questions: tuple[ItemQuestion, ...]
    max_items: int
    add_question: Text
    add_label: Text
    done_label: Text
    outer_skip: bool
    outer_decline: bool
    custom: frozenset[str] = frozenset()

    measure: ClassVar[Measure | None] = "count"

    # ---- the draft -------------------------------------------------------------------------

    def _draft(self, draft: AnswerValue) -> _Draft:
        if not isinstance(draft, dict):
            return self._fresh([])
        at = draft.get("at")
        item = draft.get("item")
        if isinstance(at, bool) or not isinstance(at, int) or not -1 <= at < len(self.questions):
            return self._fresh(_items(draft.get("items")))
        return _Draft(
            _items(draft.get("items")),
            dict(item) if isinstance(item, dict) else {},
            at,
            draft.get("sub"),
        )

    def _fresh(self, items: list[dict[str, AnswerValue]]) -> _Draft:
        return _Draft(items, {}, 0, self.questions[0].kind.begin(None))

    def begin(self, old: AnswerValue) -> AnswerValue:
        items = _items(old)
        if items:
            return _Draft(items, {}, -1, None).json()
        return self._fresh([]).json()

    def at_start(self, draft: AnswerValue) -> bool:
        d = self._draft(draft)
        return d.at == 0 and not d.items and not d.item

    def back(self, draft: AnswerValue) -> AnswerValue | NoBack:
        d = self._draft(draft)
        if d.at > 0:
            previous = self.questions[d.at - 1]
            return _Draft(
                d.items, d.item, d.at - 1, previous.kind.begin(d.item.get(previous.id))
            ).json()
        if d.at == 0 and d.items:
            return _Draft(d.items, {}, -1, None).json()
        if d.at == -1 and d.items:
            last = self.questions[-1]
            item = d.items[-1]
            return _Draft(
                d.items[:-1], item, len(self.questions) - 1, last.kind.begin(item.get(last.id))
            ).json()
        return NO_BACK

    def expects_now(self, draft: AnswerValue) -> Expects:
        d = self._draft(draft)
        return "choice" if d.at < 0 else self.questions[d.at].kind.expects_now(d.sub)

    # ---- drawing ---------------------------------------------------------------------------

    def _lookup(self, d: _Draft, ctx: Ctx, name: str) -> str | None:
        for question in self.questions:
            if question.id == name:
                value = d.item.get(name)
                return None if value is None else clean(question.kind.pipe(value, ctx.lang))
        return ctx.lookup(name) if ctx.lookup is not None else None

    def _outer(self, d: _Draft) -> bool:
        return d.at == 0 and not d.items and not d.item

    def pieces(self, text: str, ctx: Ctx) -> tuple[Piece, ...]:
        d = self._draft(ctx.draft)
        lang = ctx.lang
        if d.at < 0:
            so_far = "\n".join(f"• {line}" for line in self._lines(d.items, lang))
            ask = self.add_question.pick(lang)
            rows: list[tuple[Button, ...]] = []
            if len(d.items) < self.max_items:
                rows.append((Button(self.add_label.pick(lang), ADD_TOKEN),))
            rows.append((Button(self.done_label.pick(lang), ENOUGH_TOKEN),))
            last = Piece(f"{so_far}\n\n{ask}" if so_far else ask, tuple(rows))
            return (Piece(text), last) if ctx.arriving else (last,)
        question = self.questions[d.at]

        def lookup(name: str) -> str | None:
            return self._lookup(d, ctx, name)

        words = question.wording.render(lang, lookup)
        old = d.item.get(question.id)
        if question.id in d.item:
            shown = None if old is None else question.kind.show(old, lang)
            words = f"{words}\n\n{said(shown, False, lang)}"
        sub = Ctx(lang, ctx.today, d.sub, old, lookup, ctx.arriving)
        pieces = list(question.kind.pieces(words, sub))
        extra: list[tuple[Button, ...]] = []
        if question.kind.keeps and old is not None:
            extra.append((Button(KEEP_LABEL.pick(lang), KEEP_TOKEN),))
        outer = self._outer(d)
        row = []
        if question.skip and not (outer and self.outer_skip):
            row.append(Button(SKIP_LABEL.pick(lang), SKIP_TOKEN))
        if question.decline and not (outer and self.outer_decline):
            row.append(Button(DECLINE_LABEL.pick(lang), DECLINE_TOKEN))
        if row:
            extra.append(tuple(row))
        if extra:
            pieces[-1] = Piece(pieces[-1].text, (*pieces[-1].rows, *extra))
        if outer:
            pieces.insert(0, Piece(text))
        return tuple(pieces)

    # ---- reading ---------------------------------------------------------------------------

    def _sub_ctx(self, d: _Draft, ctx: Ctx) -> Ctx:
        question = self.questions[d.at]
        return Ctx(ctx.lang, ctx.today, d.sub, d.item.get(question.id), ctx.lookup)

    def _put(self, d: _Draft, value: AnswerValue, lang: str) -> Reading:
        question = self.questions[d.at]
        item = {**d.item, question.id: value}
        if d.at + 1 < len(self.questions):
            following = self.questions[d.at + 1]
            return Pending(
                _Draft(d.items, item, d.at + 1, following.kind.begin(item.get(following.id))).json()
            )
        if _empty(item):
            if not d.items:
                # Every question of the first item skipped: the list is skipped.
                return Accepted(None, "")
            # An unwanted "Add another": drop it and ask again whether there is anyone else.
            return Pending(_Draft(d.items, {}, -1, None).json())
        items = [*d.items, item]
        whole: list[AnswerValue] = list(items)
        record = Accepted(whole, self.show(whole, lang))
        if len(items) >= self.max_items:
            return record
        return Pending(_Draft(items, {}, -1, None).json(), record=record)

    def _follow(self, d: _Draft, reading: Reading, lang: str) -> Reading:
        if isinstance(reading, Problem):
            return reading
        if isinstance(reading, Pending):
            return Pending(
                _Draft(d.items, d.item, d.at, reading.draft).json(), replace=reading.replace
            )
        return self._put(d, reading.value, lang)

    def _finish(self, d: _Draft, lang: str) -> Accepted:
        whole: list[AnswerValue] = list(d.items)
        return Accepted(whole, self.show(whole, lang))

    def read_button(self, token: str, ctx: Ctx) -> Reading:
        d = self._draft(ctx.draft)
        if d.at < 0:
            if token == ADD_TOKEN and len(d.items) < self.max_items:
                return Pending(self._fresh(d.items).json())
            if token == ENOUGH_TOKEN:
                return self._finish(d, ctx.lang)
            return Problem.INVALID_BUTTON
        question = self.questions[d.at]
        outer = self._outer(d)
        if token == SKIP_TOKEN and question.skip and not (outer and self.outer_skip):
            return self._put(d, None, ctx.lang)
        if token == DECLINE_TOKEN and question.decline and not (outer and self.outer_decline):
            return self._put(d, None, ctx.lang)
        old = d.item.get(question.id)
        if token == KEEP_TOKEN and question.kind.keeps and old is not None:
            return self._put(d, old, ctx.lang)
        return self._follow(d, question.kind.read_button(token, self._sub_ctx(d, ctx)), ctx.lang)

    def read_text(self, text: str, ctx: Ctx) -> Reading:
        d = self._draft(ctx.draft)
        words = normalise(text)
        if d.at < 0:
            if len(d.items) < self.max_items and (
                words in ADD_WORDS or words in {normalise(t) for _, t in self.add_label.by_lang}
            ):
                return Pending(self._fresh(d.items).json())
            if words in ENOUGH_WORDS or words in {normalise(t) for _, t in self.done_label.by_lang}:
                return self._finish(d, ctx.lang)
            return Problem.NEED_CHOICE
        question = self.questions[d.at]
        outer = self._outer(d)
        if question.skip and not (outer and self.outer_skip) and words in SKIP_WORDS:
            return self._put(d, None, ctx.lang)
        if question.decline and not (outer and self.outer_decline) and words in DECLINE_WORDS:
            return self._put(d, None, ctx.lang)
        return self._follow(d, question.kind.read_text(text, self._sub_ctx(d, ctx)), ctx.lang)

    def read_media(self, media: MediaInput, ctx: Ctx) -> Reading:
        d = self._draft(ctx.draft)
        if d.at < 0:
            return Problem.NEED_CHOICE
        question = self.questions[d.at]
        return self._follow(d, question.kind.read_media(media, self._sub_ctx(d, ctx)), ctx.lang)

    # ---- showing ---------------------------------------------------------------------------

    def _lines(self, items: list[dict[str, AnswerValue]], lang: str) -> list[str]:
        lines = []
        for item in items:
            parts = [
                shown
                for question in self.questions
                if item.get(question.id) is not None
                and (shown := question.kind.show(item[question.id], lang))
            ]
            lines.append(ITEM_SEPARATOR.join(parts) or "…")
        return lines

    def show(self, value: AnswerValue, lang: str) -> str:
        return "\n".join(self._lines(_items(value), lang))

    def pipe(self, value: AnswerValue, lang: str) -> str:
        names = []
        for item in _items(value):
            for question in self.questions:
                found = item.get(question.id)
                if found is not None and (shown := question.kind.pipe(found, lang)):
                    names.append(shown)
                    break
        return join_words(names, lang)

    def condition_value(self, op: str, raw: object) -> tuple[AnswerValue, Text | None]:
        if op in ("less_than", "more_than"):
            return count_value(op, raw)
        raise BadValue(
            "on a list, conditions can test `answered`, `skipped`, or the number of items "
            "with `less_than` / `more_than`"
        )

    def texts(self) -> Iterator[tuple[tuple[str | int, ...], Text]]:
        for key, text in (
            ("add_question", self.add_question),
            ("add_button", self.add_label),
            ("done_button", self.done_label),
        ):
            if key in self.custom:
                yield (key,), text
        for number, question in enumerate(self.questions):
            yield ("questions", number, "ask"), question.wording.text
            for path, text in question.kind.texts():
                yield ("questions", number, *path), text
