"""Button data. Telegram allows 64 bytes; every form here stays well under that.

  ok                      agree to the first-contact notice
  m:<tool>                start a tool from the menu
  r:<conversation>        carry on with a paused conversation
  a:<conversation>:<turn>:<token>   an answer button in a conversation
  menu                    show the menu
  p:<tool>                start a tool afresh (script previews in the sandbox only)
  l:<lang>                use this language (en, cy)
  c:<flag> / n:<flag>     yes / no to "would you like your probation officer to call you?"
  c:new                   ask for a call (from /help)
  k:<flag>:<l|c|o|p>      after a crisis reply: carry on later / a call / I'm OK / my safety plan
  sf:<flag>:<y|n|t>       is it safe for your probation officer to call? yes / no / only at times
  safety                  make (or change) my safety plan
  pl:<item>:<revision>:<a|c|t>   agree / change / talk next time, on one plan item
  s:<outbox row>          "Show me" on something Tandem sent unasked (bot/conversations/notices.py)
  x:<appointment>         "I can't make it", on an appointment reminder
  privacy                 what happens to what I write (the /privacy text)
  kept                    the things I kept to myself (finished, not shared)
  kv:<conversation>       see one of them, with Share / Keep buttons
  ks:<conversation>:<s|k> share it now / keep it to myself

Anything else, or anything malformed, is treated as an old or forged button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
LANGS = ("en", "cy")
_TOOL = re.compile(r"^[a-z0-9_]{1,40}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_.-]{1,16}$")
# ASCII digits only (str.isdigit would let "²" through to int()), no leading zeros.
_PLAN = re.compile(r"([1-9][0-9]{0,17}):([1-9][0-9]{0,8}):([act])")
_CRISIS = re.compile(r"([1-9][0-9]{0,17}):([lcop])")
_ROW = re.compile(r"[1-9][0-9]{0,17}")
_SAFE = re.compile(r"([1-9][0-9]{0,17}):([ynt])")
_KEPT = re.compile(r"([1-9][0-9]{0,17}):([sk])")


@dataclass(frozen=True)
class Consent:
    pass


@dataclass(frozen=True)
class ShowMenu:
    pass


@dataclass(frozen=True)
class StartTool:
    tool: str


@dataclass(frozen=True)
class PreviewTool:
    tool: str


@dataclass(frozen=True)
class SetLanguage:
    lang: str


@dataclass(frozen=True)
class CallMe:
    flag_id: int | None  # None: a new request, not an answer to a safeguarding offer
    yes: bool


@dataclass(frozen=True)
class CrisisChoice:
    flag_id: int
    choice: str  # l(ater) | c(all) | o(k) | p(lan: show my safety plan)


@dataclass(frozen=True)
class SafeToCall:
    flag_id: int
    answer: str  # y(es) | n(o) | t(imes: only at certain times)


@dataclass(frozen=True)
class MakeSafetyPlan:
    pass


@dataclass(frozen=True)
class ShowPrivacy:
    pass


@dataclass(frozen=True)
class KeptList:
    pass


@dataclass(frozen=True)
class KeptView:
    conversation_id: int


@dataclass(frozen=True)
class KeptChoice:
    conversation_id: int
    share: bool


@dataclass(frozen=True)
class ResumeConversation:
    conversation_id: int


@dataclass(frozen=True)
class AnswerButton:
    conversation_id: int
    turn: int
    token: str


@dataclass(frozen=True)
class PlanReply:
    item_id: int
    revision: int
    choice: str  # a(gree) | c(hange) | t(alk about it next time)


@dataclass(frozen=True)
class ShowNotice:
    outbox_id: int


@dataclass(frozen=True)
class CantMakeIt:
    appointment_id: int


Callback = (
    Consent
    | ShowMenu
    | StartTool
    | PreviewTool
    | SetLanguage
    | CallMe
    | CrisisChoice
    | SafeToCall
    | MakeSafetyPlan
    | ShowPrivacy
    | KeptList
    | KeptView
    | KeptChoice
    | ResumeConversation
    | AnswerButton
    | PlanReply
    | ShowNotice
    | CantMakeIt
)


def consent() -> str:
    return "ok"


def show_menu() -> str:
    return "menu"


def start_tool(tool: str) -> str:
    return _checked(f"m:{tool}")


def preview_tool(tool: str) -> str:
    return _checked(f"p:{tool}")


def set_language(lang: str) -> str:
    return _checked(f"l:{lang}")


def call_me(flag_id: int | None, yes: bool = True) -> str:
    return _checked(f"{'c' if yes else 'n'}:{'new' if flag_id is None else flag_id}")


CRISIS_CHOICES = ("l", "c", "o", "p")
SAFE_ANSWERS = ("y", "n", "t")


def crisis_choice(flag_id: int, choice: str) -> str:
    if choice not in CRISIS_CHOICES:
        raise ValueError(f"not a crisis choice: {choice!r}")
    return _checked(f"k:{flag_id}:{choice}")


def safe_to_call(flag_id: int, answer: str) -> str:
    if answer not in SAFE_ANSWERS:
        raise ValueError(f"not an answer to 'is it safe to call': {answer!r}")
    return _checked(f"sf:{flag_id}:{answer}")


def make_safety_plan() -> str:
    return "safety"


def show_privacy() -> str:
    return "privacy"


def kept_list() -> str:
    return "kept"


def kept_view(conversation_id: int) -> str:
    return _checked(f"kv:{conversation_id}")


def kept_choice(conversation_id: int, share: bool) -> str:
    return _checked(f"ks:{conversation_id}:{'s' if share else 'k'}")


def resume(conversation_id: int) -> str:
    return _checked(f"r:{conversation_id}")


def answer(conversation_id: int, turn: int, token: str) -> str:
    return _checked(f"a:{conversation_id}:{turn}:{token}")


PLAN_CHOICES = ("a", "c", "t")


def plan_reply(item_id: int, revision: int, choice: str) -> str:
    if choice not in PLAN_CHOICES:
        raise ValueError(f"not a plan reply: {choice!r}")
    return _checked(f"pl:{item_id}:{revision}:{choice}")


def show_notice(outbox_id: int) -> str:
    return _checked(f"s:{outbox_id}")


def cant_make_it(appointment_id: int) -> str:
    return _checked(f"x:{appointment_id}")


def _checked(data: str) -> str:
    if len(data.encode()) > MAX_BYTES:
        raise ValueError("button data over Telegram's 64-byte limit")
    return data


def _int(text: str) -> int | None:
    # isascii: str.isdigit also accepts digits like "²" that int() refuses.
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def _id(text: str) -> int | None:
    """A row id: digits, not zero, no leading zeros."""
    return int(text) if _ROW.fullmatch(text) else None


def parse(data: str) -> Callback | None:
    if data == "ok":
        return Consent()
    if data == "menu":
        return ShowMenu()
    if data == "safety":
        return MakeSafetyPlan()
    if data == "privacy":
        return ShowPrivacy()
    if data == "kept":
        return KeptList()
    kind, _, rest = data.partition(":")
    if kind == "m" and _TOOL.match(rest):
        return StartTool(rest)
    if kind == "p" and _TOOL.match(rest):
        return PreviewTool(rest)
    if kind == "l" and rest in LANGS:
        return SetLanguage(rest)
    if kind in ("c", "n"):
        if rest == "new" and kind == "c":
            return CallMe(None, True)
        if (fid := _int(rest)) is not None:
            return CallMe(fid, kind == "c")
    if kind == "r" and (cid := _int(rest)) is not None:
        return ResumeConversation(cid)
    if kind == "a":
        parts = rest.split(":")
        if len(parts) == 3:
            cid, turn, token = _int(parts[0]), _int(parts[1]), parts[2]
            if cid is not None and turn is not None and _TOKEN.match(token):
                return AnswerButton(cid, turn, token)
    if kind == "k" and (crisis := _CRISIS.fullmatch(rest)):
        return CrisisChoice(int(crisis.group(1)), crisis.group(2))
    if kind == "sf" and (safe := _SAFE.fullmatch(rest)):
        return SafeToCall(int(safe.group(1)), safe.group(2))
    if kind == "s" and (row := _id(rest)) is not None:
        return ShowNotice(row)
    if kind == "x" and (appointment := _id(rest)) is not None:
        return CantMakeIt(appointment)
    if kind == "kv" and (cid := _int(rest)) is not None:
        return KeptView(cid)
    if kind == "ks" and (kept := _KEPT.fullmatch(rest)):
        return KeptChoice(int(kept.group(1)), kept.group(2) == "s")
    if kind == "pl" and (plan := _PLAN.fullmatch(rest)):
        return PlanReply(int(plan.group(1)), int(plan.group(2)), plan.group(3))
    return None
