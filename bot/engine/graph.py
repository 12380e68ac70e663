"""A script's flow as a Mermaid flowchart, and as a plain-words outline to read on paper.

Mermaid: one node per step, its shape by kind (a message, a typed question, a question with
buttons, check your answers, the end); an edge per way on, labelled with the button that takes it
or the condition in plain English. Every piece of script text is escaped with Mermaid's entity
codes (``#34;``), so no text can break the diagram or inject HTML into a page that draws it.

Pure: a `Script` in, text out.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .conditions import Always, AnswerEquals
from .kinds import ChoiceKind
from .model import END
from .script import Script, Step

NODE_TEXT = 60  # characters of a step's text shown in its box
EDGE_TEXT = 40

START_NODE = "start"
END_NODE = "finish"  # `end` is a keyword in Mermaid

# Mermaid shapes: (open, close, CSS class)
SHAPES: dict[str, tuple[str, str]] = {
    "message": ("(", ")"),  # rounded box
    "question": ("[", "]"),  # box
    "choice": ("{{", "}}"),  # hexagon
    "check": ("[[", "]]"),  # box with side bars
    "end": ("([", "])"),  # pill
}
KIND_WORDS = {
    "message": "message",
    "question": "question (typed answer)",
    "choice": "question with buttons",
    "check": "check your answers",
    "end": "the end",
}
CLASS_STYLES = {
    "message": "fill:#eef6ff,stroke:#4a78b5,color:#102a43",
    "question": "fill:#fff8e6,stroke:#b7791f,color:#3d2c00",
    "choice": "fill:#fdf0f6,stroke:#b83280,color:#3d0a24",
    "check": "fill:#eefbf3,stroke:#2f855a,color:#0c3320",
    "terminal": "fill:#f1f1f1,stroke:#555,color:#111",
    "unreachable": "stroke-dasharray:5 4,opacity:0.6",
}

# Characters that mean something to Mermaid (or to HTML) become entity codes: `#34;` is `"`.
_SPECIAL = frozenset('"#&<>|[]{}()`\\;%')
_SPACES = re.compile(r"\s+")


def escape(text: str) -> str:
    """Any text -> safe inside a quoted Mermaid label (and inside HTML once drawn)."""
    out = []
    for char in _SPACES.sub(" ", text).strip():
        if char in _SPECIAL:
            out.append(f"#{ord(char)};")
        elif ord(char) < 32 or 0x7F <= ord(char) < 0xA0 or 0xD800 <= ord(char) < 0xE000:
            continue
        else:
            out.append(char)
    return "".join(out)


def shorten(text: str, limit: int) -> str:
    text = _SPACES.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:.") + "…"


def kind_of(step: Step) -> str:
    """message / question / choice / check: how the step is drawn."""
    if getattr(step, "check", None) is not None:
        return "check"
    if step.kind is None:
        return "message"
    name = type(step.kind).__name__.lower()
    if "check" in name or "review" in name:
        return "check"
    try:
        has_buttons = bool(step.kind.buttons("en"))
    except Exception:  # a kind that needs more than a language to draw its buttons
        has_buttons = False
    return "choice" if has_buttons else "question"


def describe(condition: object, script: Script, lang: str) -> str:
    """A condition in plain words: the engine's own `describe` when it has one."""
    describe_fn = getattr(condition, "describe", None)
    if callable(describe_fn):
        try:
            words = describe_fn(lang)
        except TypeError:
            words = describe_fn()
        if isinstance(words, str) and words.strip():
            return words.strip()
    if isinstance(condition, AnswerEquals):
        return f"{condition.step_id} is {_value_label(script, condition, lang)}"
    return type(condition).__name__


def _value_label(script: Script, condition: AnswerEquals, lang: str) -> str:
    if script.has_step(condition.step_id):
        kind = script.step(condition.step_id).kind
        if isinstance(kind, ChoiceKind):
            for option in kind.options:
                if option.value == condition.value:
                    return option.label.pick(lang)
    return str(condition.value)


def ways_on(script: Script, step: Step, lang: str) -> list[tuple[str, list[str]]]:
    """Where `step` can lead, in order: (target, labels of the ways there). The target is a
    step id or END; an unlabelled way is the step's plain "next"."""
    targets: dict[str, list[str]] = {}
    kind = step.kind
    branching = [route for route in step.routes if not isinstance(route.when, Always)]
    taken: set[str] = set()
    for route in step.routes:
        labels = targets.setdefault(route.target, [])
        if isinstance(route.when, Always):
            if isinstance(kind, ChoiceKind):
                rest = [o.label.pick(lang) for o in kind.options if o.value not in taken]
                if step.skip:
                    rest.append("Skip")
                if not rest:
                    if not labels:
                        del targets[route.target]
                    continue
                if branching:
                    labels.extend(rest)
            elif branching:
                labels.append("otherwise")
            continue
        if (
            isinstance(route.when, AnswerEquals)
            and route.when.step_id == step.id
            and isinstance(kind, ChoiceKind)
        ):
            taken.add(str(route.when.value))
            labels.append(_value_label(script, route.when, lang))
        else:
            labels.append(describe(route.when, script, lang))
    return list(targets.items())


def passed_over(step: Step) -> tuple[object | None, str]:
    """A step's `when:` condition (None if it has none), and where the conversation goes when
    the condition does not hold: the step below."""
    when = getattr(step, "when", None)
    below = getattr(step, "below", END)
    return when, below if isinstance(below, str) else END


def _reachable(script: Script) -> set[str]:
    seen = {script.first_step}
    todo = [script.first_step]
    while todo:
        step = script.step(todo.pop())
        targets = [route.target for route in step.routes]
        when, below = passed_over(step)
        if when is not None:
            targets.append(below)
        for target in targets:
            if target != END and target not in seen and script.has_step(target):
                seen.add(target)
                todo.append(target)
    return seen


def mermaid(script: Script, lang: str = "en") -> str:
    """The flow as a Mermaid flowchart (``flowchart TD``)."""
    lang = script.lang(lang)
    node = {step.id: f"s{number}" for number, step in enumerate(script.steps)}
    node[END] = END_NODE
    reachable = _reachable(script)
    title = escape(shorten(script.title.pick(lang), NODE_TEXT))
    lines = [
        "flowchart TD",
        f'  {START_NODE}(["Start: {title}"])',
    ]
    classes: dict[str, list[str]] = {}
    ends = False
    for step in script.steps:
        kind = kind_of(step)
        opening, closing = SHAPES[kind]
        text = escape(shorten(step.text.pick(lang), NODE_TEXT))
        lines.append(f'  {node[step.id]}{opening}"<b>{escape(step.id)}</b><br/>{text}"{closing}')
        classes.setdefault(kind, []).append(node[step.id])
        if step.id not in reachable:
            classes.setdefault("unreachable", []).append(node[step.id])
    lines.append(f"  {START_NODE} --> {node[script.first_step]}")
    for step in script.steps:
        when, below = passed_over(step)
        if when is not None:
            label = escape(shorten(f"if not: {describe(when, script, lang)}", EDGE_TEXT))
            lines.append(f'  {node[step.id]} -.->|"{label}"| {node.get(below, END_NODE)}')
            ends = ends or below == END
        for target, labels in ways_on(script, step, lang):
            ends = ends or target == END
            arrow = f"  {node[step.id]} -->"
            if labels:
                label = escape(shorten(" / ".join(dict.fromkeys(labels)), EDGE_TEXT))
                arrow += f'|"{label}"|'
            lines.append(f"{arrow} {node.get(target, END_NODE)}")
    if ends:
        opening, closing = SHAPES["end"]
        lines.append(f'  {END_NODE}{opening}"End"{closing}')
        classes.setdefault("terminal", []).append(END_NODE)
    classes.setdefault("terminal", []).insert(0, START_NODE)
    for name, style in CLASS_STYLES.items():
        if name in classes:
            lines.append(f"  classDef {name} {style}")
            lines.append(f"  class {','.join(classes[name])} {name}")
    return "\n".join(lines) + "\n"


# ---- the outline: the flow in plain words, to read or print -----------------------------------


def outline(
    script: Script, lang: str = "en", wrap: Callable[[str], list[str]] | None = None
) -> str:
    """The script as numbered steps in plain words, each with where it goes next."""
    lang = script.lang(lang)
    number = {step.id: index for index, step in enumerate(script.steps, start=1)}
    wrap = wrap or (lambda text: [text])
    reachable = _reachable(script)

    def where(target: str) -> str:
        if target == END:
            return "the end"
        return f"{number[target]}. {target}" if target in number else target

    lines = [f"{script.title.pick(lang)} ({script.id})", script.about.pick(lang), ""]
    for step in script.steps:
        kind = kind_of(step)
        extra = ", can be skipped" if step.skip else ""
        lines.append(f"{number[step.id]}. {step.id} — {KIND_WORDS[kind]}{extra}")
        if step.id not in reachable:
            lines.append("   (nothing leads here, so nobody sees this step)")
        when, below = passed_over(step)
        if when is not None:
            lines.append(
                f"   Only when {describe(when, script, lang)}; otherwise on to {where(below)}"
            )
        for paragraph in step.text.pick(lang).splitlines():
            if paragraph.strip():
                lines.extend(f"   | {piece}" for piece in wrap(paragraph.strip()))
        for place, ack in enumerate(step.acks):
            when = (
                f"when {describe(ack.when, script, lang)}"
                if ack.when is not None
                else ("otherwise" if place else "after an answer")
            )
            lines.append(f"   Then says, {when} (not after a skip or 'no comment'):")
            for paragraph in ack.wording.text.pick(lang).splitlines():
                if paragraph.strip():
                    lines.extend(f"   | {piece}" for piece in wrap(paragraph.strip()))
        ways = ways_on(script, step, lang)
        if len(ways) == 1 and not ways[0][1]:
            target = ways[0][0]
            following = script.steps[number[step.id]].id if number[step.id] < len(number) else END
            if target == END:
                lines.append("   Then: the end")
            elif target != following:
                lines.append(f"   Then: go to {where(target)}")
        else:
            for target, labels in ways:
                said = " / ".join(dict.fromkeys(labels)) if labels else "otherwise"
                lines.append(f"   {said} → {where(target)}")
        lines.append("")
    if script.summary:
        lines.append("For the case manager, the answers go under these headings:")
        for section in script.summary:
            lines.append(f"- {section.heading.pick(lang)}: {', '.join(section.steps)}")
    return "\n".join(lines).rstrip() + "\n"
