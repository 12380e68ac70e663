"""How the blocks fit together: ids, jumps, loops, languages, labels, summary; the machine."""

from __future__ import annotations

from pathlib import Path

from bot.engine import END, Script, load_script
from bot.engine.compiler import script_version, tool_id_for
from bot.engine.conditions import Always, AnswerEquals
from bot.engine.registry import script_paths
from tests.engine.helpers import compile_ok, make, problems


def test_duplicate_step_ids() -> None:
    text = make("""
    steps:
      - id: a
        ask: x
      - id: a
        say: y
    """)
    assert problems(text) == [
        "t.yaml:7:9: the step id `a` is used twice (first on line 5); give each step its own id"
    ]


def test_end_is_a_reserved_id() -> None:
    text = make("""
    steps:
      - id: end
        ask: x
    """)
    assert problems(text) == [
        "t.yaml:5:9: `end` is a reserved word (`next: end` finishes); give this step another id"
    ]


def test_jumps_to_missing_steps_with_did_you_mean() -> None:
    text = make("""
    steps:
      - id: a
        ask: x
        next: goodby
      - id: b
        ask: x
        choices:
          - label: A
            next: zzz
          - label: B
            next: ed
      - id: goodbye
        say: bye
    """)
    assert problems(text) == [
        "t.yaml:7:11: there is no step `goodby` to go to — did you mean `goodbye`?",
        "t.yaml:12:15: there is no step `zzz` to go to; the step ids are: a, b, goodbye",
        "t.yaml:14:15: there is no step `ed` to go to — did you mean `end`?",
    ]


def test_tool_id_must_match_the_file_name() -> None:
    text = make("""
    steps:
      - id: a
        ask: x
    """)
    assert problems(text, "dialogues/other.yaml") == [
        "dialogues/other.yaml:1:7: `tool: t` must match the file name: "
        "write `tool: other`, or rename the file to t.yaml"
    ]


def test_a_script_needs_a_question() -> None:
    text = make("""
    steps:
      - id: a
        say: x
    """)
    assert problems(text) == ["t.yaml:5:3: this script has no question; add a step with `ask:`"]


def test_a_message_jumping_to_itself_is_refused() -> None:
    text = make("""
    steps:
      - id: q
        ask: x
      - id: a
        say: x
        next: a
    """)
    assert problems(text) == [
        "t.yaml:9:11: these steps go round in a circle with no question, so the conversation "
        "would never stop: a → a. Add a question to the circle, or point `next:` somewhere "
        "outside it"
    ]


def test_a_circle_of_messages_is_refused() -> None:
    text = make("""
    steps:
      - id: q
        ask: x
      - id: a
        say: x
      - id: b
        say: y
        next: a
    """)
    (problem,) = problems(text)
    assert problem.startswith("t.yaml:11:11: these steps go round in a circle")
    assert "a → b → a" in problem


def test_a_circle_with_a_question_is_fine() -> None:
    script = compile_ok("""
    steps:
      - id: a
        say: x
      - id: q
        ask: again?
        choices:
          - label: Again
            next: a
          - label: Stop
    """)
    assert script.next_step("q", {"q": "again"}) == "a"
    assert script.next_step("q", {"q": "stop"}) == END


def test_next_and_end_together() -> None:
    text = make("""
    steps:
      - id: q
        ask: x
        next: q
        end: true
    """)
    assert problems(text) == ["t.yaml:8:5: a step can have `next:` or `end: true`, not both"]


def test_choice_labels_and_values() -> None:
    long = "x" * 70
    text = make(f"""
    steps:
      - id: q
        ask: x
        choices:
          - label: Yes!
          - label: yes
          - label: {long}
          - label: Maybe
            value: m
          - label: Perhaps
            value: m
    """)
    assert problems(text) == [
        "t.yaml:9:16: two choices store the same value `yes`; give one a different `value:`",
        "t.yaml:10:16: this button label has 70 characters; a button can show at most 64",
        "t.yaml:14:16: two choices store the same value `m`; give one a different `value:`",
    ]


def test_min_length_more_than_max_length() -> None:
    text = make("""
    steps:
      - id: q
        ask: x
        min_length: 10
        max_length: 5
    """)
    assert problems(text) == ["t.yaml:7:17: `min_length` (10) is more than `max_length` (5)"]


def test_summary_must_name_questions() -> None:
    text = make("""
    steps:
      - id: hi
        say: x
      - id: q
        ask: x
    summary:
      - heading: H
        steps: [hi, qq]
    """)
    found = problems(text)
    assert "t.yaml:11:13: `hi` is a message, not a question, so it has no answer to show" in found
    assert "t.yaml:11:17: there is no step `qq` — did you mean `q`?" in found


def test_every_text_in_every_language() -> None:
    text = make("""
    languages: [en, cy]
    steps:
      - id: q
        ask:
          en: x
    """)
    found = problems(text)
    assert (
        "t.yaml:8:7: this text has no `cy:` line, but the script lists `cy` in `languages`" in found
    )
    assert found[0] == (
        "t.yaml:2:8: this text is only in English; the script also lists `cy`, "
        "so write `en:` and `cy:` lines"
    )


def test_warnings_do_not_refuse_a_script() -> None:
    script = compile_ok(
        """
    title: A very very long title that goes on and on and on
    steps:
      - id: q
        ask:
          en: x
          cy: y
        end: true
      - id: orphan
        ask: z
    summary:
      - heading: H
        steps: [q]
    """,
        header="tool: t\nabout: x\n",
    )
    assert [str(w) for w in script.warnings] == [
        "t.yaml:3:8: warning: the en title has 49 characters; keep it to 40 so it fits on a phone",
        "t.yaml:8:7: warning: `cy` is not in the script's `languages`, so this text is never shown",
        "t.yaml:10:9: warning: no step leads to `orphan`, so nobody will see it; "
        "point a `next:` at it or remove it",
        "t.yaml:10:9: warning: the answer to `orphan` is not under any `summary` heading, "
        "so it won't be on the case manager's one-page profile",
    ]


def test_routes_and_machine() -> None:
    script = compile_ok("""
    steps:
      - id: hello
        say: Hi
      - id: q
        ask: Go on?
        choices:
          - label: Yes
          - label: Not today
            next: bye
          - label: Finish
            next: end
      - id: more
        ask: Tell me more
        next: bye
      - id: skipped_over
        say: never
      - id: bye
        say: Bye
    """)
    q = script.step("q")
    assert [type(r.when) for r in q.routes] == [AnswerEquals, AnswerEquals, Always]
    assert [r.target for r in q.routes] == ["bye", END, "more"]
    assert q.routes[0].when == AnswerEquals("q", "not_today")
    machine = script.flow.machine
    assert set(machine.states) == {"hello", "q", "more", "skipped_over", "bye", END}
    assert list(machine.events) == ["advance"]
    # Only our own callables reach transitions, never a name it could import.
    for event in machine.events.values():
        for transitions in event.transitions.values():
            for transition in transitions:
                for condition in transition.conditions:
                    assert callable(condition.func)
                    assert not isinstance(condition.func, str)
    assert script.next_step("q", {"q": "yes"}) == "more"
    assert script.next_step("q", {"q": "not_today"}) == "bye"
    assert script.next_step("q", {"q": "finish"}) == END
    assert script.next_step("q", {"q": None}) == "more"
    assert script.next_step("more", {}) == "bye"
    assert script.next_step("bye", {}) == END


def test_shipped_script_loads_clean(shipped: Script) -> None:
    assert shipped.id == "good_day_bad_day"
    assert shipped.warnings == ()
    assert shipped.title.pick("en") == "Good day, bad day"
    assert shipped.languages == ("en", "cy")
    assert shipped.asks_to_share and shipped.check_step == "check"
    assert shipped.first_step == "welcome"
    assert len(shipped.version) == 64
    assert shipped.version == script_version(shipped.source)
    questions = {step.id for step in shipped.questions}
    in_summary = {step_id for section in shipped.summary for step_id in section.steps}
    assert questions == in_summary
    for step in shipped.questions:
        assert step.skip or step.id == "want_help", f"{step.id} should offer skip"


def test_shipped_script_words(shipped: Script) -> None:
    banned = [
        "service user",
        "offender",
        "criminogenic",
        "compliance",
        "intervention",
        "risk factor",
    ]
    words = " ".join(text for step in shipped.steps for _, text in step.text.by_lang).casefold()
    for phrase in banned:
        assert phrase not in words
    assert "probation officer" in shipped.prompts("who_reads", "en")[0].text
    assert "skip" in shipped.prompts("your_pace", "en")[0].text


def test_every_shipped_dialogue_loads() -> None:
    for path in sorted(script_paths(Path(__file__).resolve().parents[2].joinpath("dialogues"))):
        assert load_script(path).id == path.stem


def test_tool_id_for() -> None:
    assert tool_id_for("dialogues/good_day.yaml") == "good_day"
    assert tool_id_for("good_day.yml") == "good_day"
    assert tool_id_for("good_day") == "good_day"


def test_step_lengths(shipped: Script) -> None:
    assert shipped.step("good_day").max_length == 4000
    assert shipped.step("good_day").min_length is None
    assert shipped.step("want_help").max_length is None
    assert shipped.step("welcome").max_length is None


def test_expected_worries_are_carried_on_the_step() -> None:
    script = compile_ok("""
    steps:
      - id: hello
        say: Hi.
      - id: warning_signs
        ask: What tells you a hard time may be coming?
        skip: true
        expected_worries: [suicide_self_harm, struggling_to_cope]
      - id: people
        ask: Who can you ask for help?
        answer: list
        expected_worries: [being_harmed]
        questions:
          - id: name
            ask: What is their name?
      - id: other
        ask: Anything else?
    """)
    assert script.step("warning_signs").expected_worries == frozenset(
        {"suicide_self_harm", "struggling_to_cope"}
    )
    assert script.step("people").expected_worries == frozenset({"being_harmed"})
    assert script.step("other").expected_worries == frozenset()
    assert script.step("hello").expected_worries == frozenset()
    assert script.warnings == ()
    # The engine only carries the names: any name of the right shape is accepted here (which
    # categories exist is for the safeguarding rules, which the engine never reads).
    made_up = compile_ok("""
    steps:
      - id: q
        ask: x
        expected_worries: [no_such_category_yet]
    """)
    assert made_up.step("q").expected_worries == frozenset({"no_such_category_yet"})


def test_an_expected_worry_listed_twice_is_a_warning() -> None:
    script = compile_ok("""
    steps:
      - id: q
        ask: x
        expected_worries: [suicide_self_harm, suicide_self_harm]
    """)
    assert script.step("q").expected_worries == frozenset({"suicide_self_harm"})
    assert [str(w) for w in script.warnings] == [
        "t.yaml:7:43: warning: `suicide_self_harm` is listed twice in `expected_worries`; "
        "once is enough"
    ]


def test_a_time_to_call_goes_with_the_request_for_a_call() -> None:
    script = compile_ok("""
    steps:
      - id: callback
        ask: Would you like a call?
        answer: yes_no
        asks_for_call: true
      - id: when
        when: {answer: callback, is: yes}
        ask: When is a good time to call?
        skip: true
        call_time: true
    """)
    assert script.step("callback").asks_for_call and not script.step("callback").call_time
    assert script.step("when").call_time


def test_asks_for_call_and_call_time_are_refused_where_they_mean_nothing() -> None:
    assert problems(
        make("""
    steps:
      - id: callback
        ask: Would you like a call?
        asks_for_call: true
    """)
    ) == [
        "t.yaml:7:5: `asks_for_call` goes on a yes/no question (`answer: yes_no`): "
        "a Yes is the request for a call"
    ]
    assert problems(
        make("""
    steps:
      - id: when
        ask: When is a good time to call?
        call_time: true
    """)
    ) == [
        "t.yaml:7:5: `call_time` needs a question with `asks_for_call: true` above it: "
        "it is when to make that call"
    ]
    assert problems(
        make("""
    steps:
      - id: callback
        ask: Would you like a call?
        answer: yes_no
        asks_for_call: true
      - id: when
        ask: Morning or afternoon?
        choices: [{label: Morning}, {label: Afternoon}]
        call_time: true
    """)
    ) == [
        "t.yaml:12:5: `call_time` goes on a typed question (`ask:` with no `answer:`), "
        "like “When is a good time to call?”"
    ]
