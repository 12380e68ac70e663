"""`tandem dialogues try TOOL`: talk through a script in the terminal, as the person would.

Only the engine is used: no database, no Telegram. Tandem's messages are printed with their
buttons numbered (``[1] Yes  [2] Not now``); the tester types a number to press a button, or
anything else as a typed answer. ``/back`` goes back one question, ``/quit`` stops, ``/photo``
and ``/voice`` send a pretend photo or voice note, ``/help`` lists these.

At the end (or on /quit, or when the input runs out) the answers are printed as the case manager
would see them, under the script's ``summary:`` headings.

Works the same with a terminal and with redirected input; with redirected input each line read
is echoed after ``> ``, so the output reads as a transcript.
"""

from __future__ import annotations

import dataclasses
import inspect
import textwrap
from collections.abc import Callable
from datetime import date
from typing import Any, TextIO

from bot import engine
from bot.engine import (
    ButtonInput,
    Input,
    MediaInput,
    Outcome,
    Prompt,
    RecordedAnswer,
    Script,
    TextInput,
)

INDENT = "        "
LANG_NAMES = {"en": "English", "cy": "Welsh"}
HELP = (
    "Type your answer and press Enter. To press a button, type its number: [2] is 2,\n"
    "[/2] is /2. /back goes back one question, /quit stops, /photo or /voice sends a\n"
    "pretend photo or voice note, /help shows this again."
)
# What Tandem says before it asks again, when an answer wasn't taken (key in bot texts).
PROBLEM_KEYS = {"stale_button": "stale_intro", "invalid_button": "stale_intro"}


def _accepts_today(function: Callable[..., Any]) -> bool:
    try:
        return "today" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def _bot_says(key: str, lang: str, **values: object) -> str | None:
    """Tandem's own words for `key` (from bot/conversations/texts.py), if it has them."""
    try:
        from bot.conversations.texts import say
    except ImportError:
        return None
    try:
        return say(key, lang, **values)
    except (KeyError, IndexError, ValueError):
        return None


class Trial:
    """One conversation with a script, printed to `out`."""

    def __init__(self, script: Script, lang: str, out: TextIO, today: date | None = None) -> None:
        self.script = script
        self.lang = script.lang(lang)
        self.out = out
        self.today = today or date.today()
        self.answers: dict[str, RecordedAnswer] = {}
        self.buttons: list[ButtonInput] = []
        self.typed = False  # the question waits for typed words (so "3" is an answer)
        self.outcome: Outcome | None = None
        self.shared: bool | None = None

    # ---- talking to the engine ------------------------------------------------------------

    def _call(self, function: Callable[..., Outcome], *args: Any) -> Outcome:
        if _accepts_today(function):
            return function(*args, today=self.today)
        return function(*args)

    def start(self) -> None:
        self._take(self._call(engine.start, self.script, self.lang))

    def send(self, given: Input) -> None:
        assert self.outcome is not None
        self._take(self._call(engine.step, self.script, self.outcome.state, given))

    def _take(self, outcome: Outcome) -> None:
        self.outcome = outcome
        for answer in outcome.answers:
            self.answers[answer.step_id] = answer
        shared = getattr(outcome, "shared", None)
        if isinstance(shared, bool):
            self.shared = shared
        if outcome.problem is not None:
            self._problem(outcome)
        self._show(outcome.messages)

    @property
    def finished(self) -> bool:
        return self.outcome is not None and self.outcome.finished

    # ---- printing -------------------------------------------------------------------------

    def write(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def _problem(self, outcome: Outcome) -> None:
        problem = outcome.problem
        assert problem is not None
        key = PROBLEM_KEYS.get(problem.value, problem.value)
        step = (
            self.script.step(outcome.state.step)
            if self.script.has_step(outcome.state.step)
            else None
        )
        limit = step.max_length if step is not None else None
        words = _bot_says(
            key, self.lang, limit=limit or "", title=self.script.title.pick(self.lang)
        )
        self.write(f"Tandem: {words}" if words else f"(Tandem didn't take that: {problem.value})")
        self.write()

    def _show(self, messages: tuple[Prompt, ...]) -> None:
        self.buttons = []
        for prompt in messages:
            if getattr(prompt, "replace", False):
                self.write("(Tandem changes the message above to:)")
            lines = prompt.text.splitlines() or [""]
            self.write(f"Tandem: {lines[0]}")
            for line in lines[1:]:
                self.write(f"{INDENT}{line}" if line.strip() else "")
            # Where typed words are the answer, a bare number is an answer too ("How many?"),
            # so those buttons are pressed with /1, /2...
            self.typed = prompt.expects == "text"
            slash = "/" if self.typed else ""
            for row in prompt.buttons:
                shown = []
                for button in row:
                    assert self.outcome is not None
                    self.buttons.append(ButtonInput(self.outcome.state.turn, button.token))
                    shown.append(f"[{slash}{len(self.buttons)}] {button.label}")
                self.write(INDENT + "  ".join(shown))
            self.write()

    # ---- the tester's input ---------------------------------------------------------------

    def read(self, line: str) -> Input | str | None:
        """An engine input for what the tester typed, a command word, or None to ignore."""
        text = line.strip()
        if not text:
            return None  # Telegram can't send an empty message
        pressed = text[1:] if text.startswith("/") else text if not self.typed else ""
        if pressed.isdigit() and self.buttons:
            number = int(pressed)
            if 1 <= number <= len(self.buttons):
                return self.buttons[number - 1]
            self.write(
                "(There is only button 1.)"
                if len(self.buttons) == 1
                else f"(There is no button {number}: the buttons are 1 to {len(self.buttons)}.)"
            )
            return None
        command = text.lower()
        if command in ("/quit", "/exit", "/stop"):
            return "quit"
        if command == "/help":
            self.write(HELP)
            self.write()
            return None
        if command == "/back":
            back = getattr(engine, "Back", None)
            if back is None:
                self.write("(Going back isn't available in this version of Tandem.)")
                return None
            made: Input = back()
            return made
        if command in ("/photo", "/voice"):
            kind = command[1:]
            known = {f.name for f in dataclasses.fields(MediaInput)}
            extra: dict[str, Any] = {
                name: f"try-{kind}" for name in ("file_id", "file_unique_id") if name in known
            }
            if "duration" in known and kind == "voice":
                extra["duration"] = 5
            return MediaInput(kind, **extra)
        if command in ("/resume", "/again"):
            return engine.Resume()
        return TextInput(line.rstrip("\n"))

    # ---- the case manager's view ----------------------------------------------------------

    def report(self) -> None:
        state = self.outcome.state if self.outcome is not None else None
        kept = set(state.answers) if state is not None else set()
        current = {step_id: a for step_id, a in self.answers.items() if step_id in kept}
        rule = "=" * 60
        self.write(rule)
        if self.finished:
            self.write("The conversation is over. This is what the case manager would see:")
        else:
            self.write("You stopped before the end. The answers so far:")
        if self.shared is False:
            self.write(
                "(The person chose to keep these answers to themselves, so in Tandem the case "
                "manager would NOT see them.)"
            )
        self.write(rule)
        sections: list[tuple[str, tuple[str, ...]]] = [
            (section.heading.pick(self.lang), section.steps) for section in self.script.summary
        ]
        listed = {step_id for _, ids in sections for step_id in ids}
        others = tuple(s.id for s in self.script.questions if s.id not in listed)
        if not sections:
            sections = [("Answers", others)]
        elif any(step_id in current for step_id in others):
            sections.append(("Not under any heading", others))
        for heading, ids in sections:
            self.write()
            self.write(heading)
            self.write("-" * len(heading))
            for step_id in ids:
                answer = current.get(step_id)
                question = (
                    answer.question
                    if answer is not None
                    else self.script.step(step_id).text.pick(self.lang)
                    if self.script.has_step(step_id)
                    else step_id
                )
                self.write(f"  {_first_line(question)}")
                if answer is None:
                    self.write("    (not asked)")
                    continue
                display = answer.display or "(no words)"
                for piece in display.splitlines() or [display]:
                    for wrapped in textwrap.wrap(piece, 76) or [""]:
                        self.write(f"    {wrapped}")


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else text
    return line if len(line) <= 90 else line[:89] + "…"


def run_trial(
    script: Script, lang: str, stdin: TextIO, out: TextIO, today: date | None = None
) -> int:
    """Talk through `script`, reading the tester's lines from `stdin`. Exit code 0."""
    trial = Trial(script, lang, out, today)
    interactive = stdin.isatty()
    language = LANG_NAMES.get(trial.lang, trial.lang)
    out.write(f"Trying {script.title.pick(trial.lang)} ({script.id}) in {language}.\n")
    if lang != trial.lang:
        out.write(
            f"This script is not written in {LANG_NAMES.get(lang, lang)}, so you'll see "
            f"{language}.\n"
        )
    out.write(HELP + "\n\n")
    trial.start()
    while not trial.finished:
        if interactive:
            out.flush()
            try:
                line = input("> ")
            except EOFError:
                out.write("\n")
                break
        else:
            line = stdin.readline()
            if not line:
                break
            out.write(f"> {line.rstrip()}\n")
        choice = trial.read(line)
        if choice == "quit":
            break
        if choice is None or isinstance(choice, str):
            continue
        trial.send(choice)
    if trial.finished:
        if trial.shared is None:
            key = "finished"
        else:
            key = "finished_shared" if trial.shared else "finished_private"
        words = _bot_says(
            key,
            trial.lang,
            title=script.title.pick(trial.lang),
            kept_button=_bot_says("kept_button", trial.lang) or "",
        )
        if words:
            trial.write(f"Tandem: {words.replace(chr(10), chr(10) + INDENT)}")
            trial.write()
    trial.report()
    out.flush()
    return 0
