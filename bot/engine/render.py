"""Drawing a conversation's current step as messages: piped text, the kind's buttons, and the
engine's own rows (Keep my answer, Skip / I'd rather not say, Back), split to fit Telegram."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

from .kinds import NO_BACK, Ctx, Piece
from .model import Button, Expects, Prompt
from .script import Script, Step
from .state import ConversationState
from .system import (
    BACK_LABEL,
    BACK_TO_SUMMARY,
    BACK_TOKEN,
    CHANGE_LABEL,
    DECLINE_LABEL,
    DECLINE_TOKEN,
    DECLINED_DISPLAY,
    DECLINED_LINE,
    KEEP_LABEL,
    KEEP_PRIVATE_LABEL,
    KEEP_TOKEN,
    NOTHING_ANSWERED,
    QUESTIONS_COUNT,
    SHARE_LABEL,
    SKIP_LABEL,
    SKIP_TOKEN,
    SKIPPED_DISPLAY,
    SKIPPED_LINE,
    SUMMARY_EMPTY,
    SUMMARY_INTRO,
    WHICH_ANSWER,
    join_words,
    said,
)
from .texts import Text, split_message

Rows = tuple[tuple[Button, ...], ...]

# The check-your-answers step's buttons.
CHANGE_TOKEN: Final = "c"  # noqa: S105 ("c<n>" changes the n-th answer)
SUMMARY_TOKEN: Final = "x"  # noqa: S105
SHARE_TOKEN: Final = "sh"  # noqa: S105
PRIVATE_TOKEN: Final = "kp"  # noqa: S105
CHANGING: Final = "change"  # the check step's draft while the person picks an answer to change
MAX_CHANGE_BUTTONS: Final = 95  # Telegram shows at most 100 buttons under one message
# Skipped questions are named on one line when they are few and short, else counted.
FOLD_NAMES: Final = 4
FOLD_LENGTH: Final = 100


def say_prompts(script: Script, step: Step, state: ConversationState) -> tuple[Prompt, ...]:
    text = script.text_of(step, state.answers, script.lang(state.lang))
    return tuple(Prompt(piece, (), step.id, None) for piece in split_message(text) if piece)


def question_prompts(
    script: Script, state: ConversationState, today: date | None, *, arriving: bool = True
) -> tuple[Prompt, ...]:
    """The messages that show the current question (or the check step) of `state`."""
    step = script.step(state.step)
    if step.check is not None:
        return check_prompts(script, state)
    kind = step.kind
    if kind is None:
        raise ValueError(f"step {step.id!r} is a message")
    lang = script.lang(state.lang)
    answers = state.answers
    text = script.text_of(step, answers, lang)
    old = answers.get(step.id)
    at_start = kind.at_start(state.draft)
    again = step.id in answers and at_start
    if again and arriving:
        shown = None if old is None else kind.show(old, lang)
        text = f"{text}\n\n{said(shown, step.id in state.declined, lang)}"
    ctx = Ctx(
        lang,
        today,
        state.draft,
        old,
        lambda name: script.piped(answers, lang, name),
        arriving,
    )
    extra: list[tuple[Button, ...]] = []
    if again and old is not None and kind.keeps:
        extra.append((Button(KEEP_LABEL.pick(lang), KEEP_TOKEN),))
    if at_start:
        row = []
        if step.skip:
            row.append(Button(SKIP_LABEL.pick(lang), SKIP_TOKEN))
        if step.rather_not_say:
            row.append(Button(DECLINE_LABEL.pick(lang), DECLINE_TOKEN))
        if row:
            extra.append(tuple(row))
    if state.path or kind.back(state.draft) is not NO_BACK:
        extra.append((Button(BACK_LABEL.pick(lang), BACK_TOKEN),))
    return _prompts(kind.pieces(text, ctx), tuple(extra), step.id, kind.expects_now(state.draft))


def _prompts(
    pieces: Sequence[Piece], extra: Rows, step_id: str, expects: Expects
) -> tuple[Prompt, ...]:
    prompts: list[Prompt] = []
    for number, piece in enumerate(pieces):
        last_piece = number == len(pieces) - 1
        rows = (*piece.rows, *extra) if last_piece else piece.rows
        parts = [part for part in split_message(piece.text) if part] or ["…"]
        for index, part in enumerate(parts):
            last_part = index == len(parts) - 1
            prompts.append(
                Prompt(
                    part,
                    rows if last_part else (),
                    step_id,
                    expects if last_part and last_piece else None,
                )
            )
    return tuple(prompts)


# ---- check your answers ---------------------------------------------------------------------


def changeable(script: Script, state: ConversationState) -> list[str]:
    """The questions on the person's path, in order, each once: what the summary shows."""
    seen: dict[str, None] = {}
    for step_id in state.path:
        if script.has_step(step_id) and script.step(step_id).is_question:
            seen.setdefault(step_id, None)
    return list(seen)


def answer_line(script: Script, state: ConversationState, step_id: str, lang: str) -> str:
    step = script.step(step_id)
    value = state.answers.get(step_id)
    if step_id in state.declined:
        return DECLINED_DISPLAY.pick(lang)
    if value is None or step.kind is None:
        return SKIPPED_DISPLAY.pick(lang)
    return step.kind.show(value, lang) or SKIPPED_DISPLAY.pick(lang)


def summary_text(script: Script, state: ConversationState) -> str:
    """ "Here are your answers": one line per answer, named by the question's `short` (or the
    start of its text), never the whole question. Questions skipped (or "I'd rather not say")
    are folded into one line each, so a summary of short answers fits on one phone screen;
    when nothing was answered, one line says so."""
    lang = script.lang(state.lang)
    entries: list[str] = []
    skipped: list[str] = []
    declined: list[str] = []
    for step_id in changeable(script, state):
        step = script.step(step_id)
        label = step.label(lang)
        value = state.answers.get(step_id)
        shown = step.kind.show(value, lang) if value is not None and step.kind else ""
        if step_id in state.declined:
            declined.append(label)
        elif not shown:
            skipped.append(label)
        elif "\n" in shown:
            lines = "\n".join(f"• {line}" for line in shown.splitlines() if line.strip())
            entries.append(f"{label}:\n{lines}")
        else:
            entries.append(f"{label}: {shown}")
    if not entries and not skipped and not declined:
        return SUMMARY_EMPTY.pick(lang)
    if not entries:
        return NOTHING_ANSWERED.pick(lang)
    folded = [
        _folded(SKIPPED_LINE, skipped, lang),
        _folded(DECLINED_LINE, declined, lang),
    ]
    return "\n\n".join(
        [SUMMARY_INTRO.pick(lang), "\n".join(entries), *(line for line in folded if line)]
    )


def _folded(line: Text, labels: list[str], lang: str) -> str:
    """'Skipped: A, B and C' — or, when that would be long, 'Skipped: 5 questions'."""
    if not labels:
        return ""
    listed = join_words(labels, lang)
    if len(labels) > FOLD_NAMES or len(listed) > FOLD_LENGTH:
        listed = QUESTIONS_COUNT.pick(lang).replace("{count}", str(len(labels)))
    return line.pick(lang).replace("{questions}", listed)


def check_prompts(script: Script, state: ConversationState) -> tuple[Prompt, ...]:
    step = script.step(state.step)
    check = step.check
    assert check is not None
    lang = script.lang(state.lang)
    entries = changeable(script, state)
    if state.draft == CHANGING:
        rows: list[tuple[Button, ...]] = [
            (Button(script.step(step_id).label(lang), f"{CHANGE_TOKEN}{number}"),)
            for number, step_id in enumerate(entries[:MAX_CHANGE_BUTTONS])
        ]
        rows.append((Button(BACK_TO_SUMMARY.pick(lang), SUMMARY_TOKEN),))
        return (Prompt(WHICH_ANSWER.pick(lang), tuple(rows), step.id, "choice"),)
    buttons: list[tuple[Button, ...]] = []
    if entries:
        buttons.append((Button(CHANGE_LABEL.pick(lang), CHANGE_TOKEN),))
    share = check.share_label or SHARE_LABEL
    keep = check.keep_label or KEEP_PRIVATE_LABEL
    buttons.append((Button(share.pick(lang), SHARE_TOKEN),))
    buttons.append((Button(keep.pick(lang), PRIVATE_TOKEN),))
    if state.path:
        buttons.append((Button(BACK_LABEL.pick(lang), BACK_TOKEN),))
    question = script.text_of(step, state.answers, lang)
    pieces = (Piece(summary_text(script, state)), Piece(question, tuple(buttons)))
    return _prompts(pieces, (), step.id, "choice")
