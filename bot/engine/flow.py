"""One `transitions` Machine per script, bound to a cursor only while choosing the next step.

The machine is built once, at load time. Its states are the step ids plus END; it has a single
trigger, ``advance``, whose transitions from each step are that step's routes in order (the first
whose condition holds wins). A conversation's state is only a string; `next_step` puts it on the
script's one cursor, fires ``advance`` with the answers so far, and reads the new state back.

A lock makes the short binding safe even if callers use threads; under asyncio `next_step` is
synchronous, so nothing else can run while the cursor is bound.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence

from transitions import EventData, Machine, State

from .conditions import Always, Route
from .errors import EngineError
from .model import END, AnswerValue

TRIGGER = "advance"


class _QuietState(State):
    """A step state. Steps have no enter/exit callbacks, so skip transitions' per-transition
    INFO log lines ("Finished processing state ... callbacks") and the empty callback runs."""

    def enter(self, event_data: EventData) -> None:
        return None

    def exit(self, event_data: EventData) -> None:
        return None


class _Machine(Machine):
    state_cls = _QuietState


class _Cursor:
    """The machine's model. `advance` is attached by transitions."""

    state: str
    advance: Callable[[Mapping[str, AnswerValue]], bool]


class Flow:
    def __init__(self, step_ids: Sequence[str], routes: Mapping[str, Sequence[Route]]) -> None:
        if not step_ids:
            raise EngineError("a flow needs at least one step")
        self._cursor = _Cursor()
        self._machine = _Machine(
            model=self._cursor,
            states=[*step_ids, END],
            initial=step_ids[0],
            auto_transitions=False,
            send_event=False,
            queued=False,
        )
        for source in step_ids:
            for route in routes[source]:
                # Only our own callables reach transitions: a bound method of a condition object.
                # (The stub's type also allows names; we never pass one.)
                conditions: list[str | Callable[..., bool | None]] = (
                    [] if isinstance(route.when, Always) else [route.when.holds]
                )
                self._machine.add_transition(TRIGGER, source, route.target, conditions=conditions)
        self._lock = threading.Lock()

    @property
    def machine(self) -> Machine:
        """The transitions Machine (e.g. to draw a diagram). Do not trigger it directly."""
        return self._machine

    def next_step(self, current: str, answers: Mapping[str, AnswerValue]) -> str:
        """The step that follows `current`, given the answers so far."""
        with self._lock:
            self._machine.set_state(current, model=self._cursor)
            if not self._cursor.advance(answers):
                raise EngineError(f"no route leaves step {current!r}")
            return self._cursor.state
