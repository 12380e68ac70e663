"""What moved since the person last did the same tool: the case manager's "what is new" at a
glance — a person added to their circle, someone no longer listed, a goal that changed.

Compares two shared conversations of one tool, answer by answer, in the order the newer one
is laid out. Nothing is said the first time a tool is done, nor for answers that stayed the
same. Words are the person's own (shortened); the page escapes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.engine import Script
from bot.engine.texts import shorten
from bot.review.profile import ShownAnswer, ToolView

QUOTE_LENGTH = 60
SKIPPED = "Skipped"
DECLINED = "Chose not to say"


def said(answer: ShownAnswer | None) -> str:
    """An answer as one line, with a kind word for saying nothing."""
    if answer is None:
        return "Not asked"
    if answer.declined:
        return DECLINED
    if answer.skipped:
        return SKIPPED
    return " / ".join(line.strip() for line in answer.display.splitlines() if line.strip())


def _quoted(answer: ShownAnswer | None) -> str:
    text = said(answer)
    if answer is None or answer.said_nothing:
        return text.lower()
    return f"“{shorten(text, QUOTE_LENGTH)}”"


def _label(script: Script | None, answer: ShownAnswer) -> str:
    if script is not None and script.has_step(answer.step_id):
        return script.step(answer.step_id).label("en")
    return shorten(" ".join(answer.question.split()), 40)


def _items(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def _is_list(answer: ShownAnswer | None) -> bool:
    return answer is not None and not answer.said_nothing and bool(_items(answer.value))


def _item_questions(script: Script | None, step_id: str) -> list[Any]:
    if script is None or not script.has_step(step_id):
        return []
    return list(getattr(script.step(step_id).kind, "questions", ()))


def _shown(question: Any, value: Any) -> str:
    try:
        return str(question.kind.show(value, "en"))
    except Exception:  # an older script's value the current kind cannot read: show it plain
        return str(value)


def _first_text(item: dict[str, Any]) -> str:
    return next((str(v) for v in item.values() if isinstance(v, str | int) and str(v)), "")


def _name(item: dict[str, Any], questions: list[Any]) -> str:
    """An item as it reads in a sentence: its first answer, and the second in brackets
    ("Sam (friends)")."""
    if not questions:
        return _first_text(item) or "someone"
    parts = [_shown(q, item[q.id]) for q in questions[:2] if item.get(q.id) not in (None, "", [])]
    if not parts:
        return "someone not named"
    if len(parts) == 1:
        return parts[0]
    detail = parts[1][:1].lower() + parts[1][1:]
    return f"{parts[0]} ({detail})"


def _key(item: dict[str, Any], questions: list[Any]) -> str:
    """Items are matched by their first answer (the name), whatever its case."""
    first = item.get(questions[0].id) if questions else _first_text(item)
    return " ".join(str(first or "").casefold().split())


def _list_changes(
    label: str, before: ShownAnswer | None, after: ShownAnswer | None, questions: list[Any]
) -> list[str]:
    old = {_key(i, questions): i for i in _items(before.value if before else None)}
    new = {_key(i, questions): i for i in _items(after.value if after else None)}
    found: list[str] = []
    added = [_name(i, questions) for k, i in new.items() if k not in old]
    gone = [_name(i, questions) for k, i in old.items() if k not in new]
    if added:
        found.append(f"{label}: added {_joined(added)}")
    if gone:
        found.append(f"{label}: no longer listed: {_joined(gone)}")
    for key, item in new.items():
        if key not in old or not questions:
            continue
        for question in questions[1:]:
            was, now = old[key].get(question.id), item.get(question.id)
            if was == now:
                continue
            was_text = f"“{shorten(_shown(question, was), QUOTE_LENGTH)}”" if was else "nothing"
            now_text = f"“{shorten(_shown(question, now), QUOTE_LENGTH)}”" if now else "nothing"
            found.append(
                f"{label}: for {_name(item, questions[:1])}, changed from {was_text} to {now_text}"
            )
    return found


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _media_id(answer: ShownAnswer | None) -> str | None:
    media = answer.media if answer is not None else None
    if media is None:
        return None
    return str(media.get("file_unique_id") or media.get("file_id"))


def _steps(before: ToolView, after: ToolView) -> Iterable[str]:
    seen: list[str] = []
    for view in (after, before):
        for section in view.sections:
            for answer in section.answers:
                if answer.step_id not in seen:
                    seen.append(answer.step_id)
    return seen


def what_changed(before: ToolView | None, after: ToolView, script: Script | None) -> list[str]:
    """Plain sentences on what moved from `before` to `after` (empty the first time)."""
    if before is None:
        return []
    found: list[str] = []
    for step_id in _steps(before, after):
        old, new = before.answers.get(step_id), after.answers.get(step_id)
        either = new or old
        assert either is not None
        label = _label(script, either)
        if _is_list(old) or _is_list(new):
            found += _list_changes(label, old, new, _item_questions(script, step_id))
            continue
        old_media, new_media = _media_id(old), _media_id(new)
        if old_media and new_media:
            if old_media != new_media:
                found.append(f"{label}: sent a new {said(new).split(' (')[0].lower()}")
            continue
        if said(old) == said(new):
            continue
        found += _one_change(label, old, new)
    return found


def _one_change(label: str, old: ShownAnswer | None, new: ShownAnswer | None) -> list[str]:
    old_said = old is not None and not old.said_nothing
    new_said = new is not None and not new.said_nothing
    if not old_said and not new_said:
        return []  # skipped once, not asked or declined the other time: nothing to read
    if new is None:
        return [f"{label}: not asked this time (was {_quoted(old)})"]
    if old is None:
        return [f"{label}: {_quoted(new)} (not asked last time)"]
    if not new_said:
        return [f"{label}: {_quoted(new)} this time (was {_quoted(old)})"]
    if not old_said:
        return [f"{label}: {_quoted(new)} ({_quoted(old)} last time)"]
    return [f"{label}: changed from {_quoted(old)} to {_quoted(new)}"]
