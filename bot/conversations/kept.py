"""Share later: a finished tool the person kept to themselves can be shared from /menu
("Things you kept to yourself"). Sharing it then is the same as sharing it at the end of the
tool: the conversation is marked shared, with the time, and the case manager sees it in the
review app exactly as if it had been shared then (`Flows._share`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.conversations import callbacks
from bot.conversations.catalogue import in_lang
from bot.conversations.dates import day_text
from bot.conversations.messages import MAX_TEXT, Button
from bot.conversations.texts import say
from bot.conversations.turn import Turn
from bot.engine.render import summary_text
from bot.scheduling.quiet import zone
from storage.conversations import conversation_for, kept_to_themselves
from storage.models import Conversation

if TYPE_CHECKING:
    from bot.conversations.flows import Flows


async def menu_row(flows: Flows, t: Turn) -> tuple[Button, ...] | None:
    """The menu's "Things you kept to yourself", when there is anything kept."""
    if not await kept_to_themselves(t.session, flows._person_id(t), limit=1):
        return None
    return (Button(say("kept_button", t.lang), callbacks.kept_list()),)


async def show_list(flows: Flows, t: Turn) -> None:
    kept = await kept_to_themselves(t.session, flows._person_id(t))
    if not kept:
        t.send("kept_none")
        await flows._menu(t)
        return
    tz = zone(t.person.timezone if t.person else None)
    rows: list[tuple[Button, ...]] = []
    for conv in kept:
        assert conv.id is not None
        script = await flows._script(t, conv)
        title = in_lang(script.title, t.lang) if script else conv.script_id
        # Two kept goes at the same tool are told apart by their day.
        day = day_text(conv.finished_at or conv.updated_at, tz, t.lang)
        rows.append((Button(f"{title}: {day}", callbacks.kept_view(conv.id)),))
    rows.append((Button(say("menu_button", t.lang), callbacks.show_menu()),))
    t.send("kept_list", buttons=tuple(rows))


async def _kept(flows: Flows, t: Turn, conversation_id: int) -> Conversation | None:
    """One of the person's own finished, private conversations; anything else has gone."""
    conv = await conversation_for(t.session, flows._person_id(t), conversation_id)
    if conv is None or conv.status != "finished" or conv.sharing != "private":
        t.toast = say("kept_gone", t.lang)
        t.send("kept_gone")
        await flows._menu(t)
        return None
    return conv


async def view(flows: Flows, t: Turn, data: callbacks.KeptView) -> None:
    """The short summary of what they answered, then Share / Keep."""
    conv = await _kept(flows, t, data.conversation_id)
    if conv is None:
        return
    assert conv.id is not None
    script = await flows._script(t, conv)
    if script is not None:
        summary = summary_text(script, flows._state(t, conv))
        if len(summary) > MAX_TEXT:
            summary = summary[: MAX_TEXT - 1] + "…"
        t.send_text(summary)
    t.send(
        "kept_question",
        buttons=(
            (Button(say("kept_share", t.lang), callbacks.kept_choice(conv.id, share=True)),),
            (Button(say("kept_keep", t.lang), callbacks.kept_choice(conv.id, share=False)),),
        ),
    )


async def choose(flows: Flows, t: Turn, data: callbacks.KeptChoice) -> None:
    conv = await _kept(flows, t, data.conversation_id)
    if conv is None:
        return
    pressed = say("kept_share" if data.share else "kept_keep", t.lang)
    t.out.append(flows._done_button_edit(t, pressed))
    menu = ((Button(say("menu_button", t.lang), callbacks.show_menu()),),)
    if not data.share:
        t.send("kept_still", buttons=menu)
        return
    script = await flows._script(t, conv)
    await flows._share(t, conv, script, flows._state(t, conv).answers)
    conv.updated_at = t.now
    t.session.add(conv)
    title = in_lang(script.title, t.lang) if script else conv.script_id
    t.send("kept_shared", title=title, buttons=menu)
