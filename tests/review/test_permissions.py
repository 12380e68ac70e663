"""Every page and action checks that this member of staff may see this person.

Proved by walking the app's own route table rather than a list written by hand: every route
that names a person, or anything of a person's (a conversation, an answer, a flag, a plan item,
a tool), is opened and posted with the real ids of a victim on case manager Owner's caseload in
Probation North, by each kind of member of staff:

- Owner (their case manager) and the senior of North may;
- a colleague in North, a senior of another organisation, a case manager of a partner
  organisation and an administrator may not: they get exactly what they would get for a person
  who does not exist (404), nothing of the victim is in the answer, and nothing changes.

A route added later is covered by the same loops, or fails `test_every_route_is_covered` with
what to add (a mapping for a new id in the address, form data for a new action, or what each
role gets for a new page that names no one). /admin pages are for administrators only; signed
out, every page sends to sign-in and every form is refused; every page is `no-store` and may not
be framed. Ids are never mixed across people: one person's conversation, answer, flag or plan
item is not found through another person's address, even for staff who may see both.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, fields, replace
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, select
from starlette.routing import Mount

from bot.conversations.invites import hash_code, new_code
from bot.review import auth
from bot.review.app import create_app
from bot.review.web import ReviewConfig
from storage.db import Database
from storage.models import (
    Answer,
    Appointment,
    Assignment,
    Conversation,
    FlagMessage,
    Note,
    PlanItem,
    ServiceUser,
    Staff,
)
from storage.people import add_invite
from tests.support.databases import sqlite_url
from tests.support.review import PASSWORD, ReviewHarness, Web, catalogue

# --- what the route table is checked against ------------------------------------------------

Key = tuple[str, str]  # (method, path with its placeholders, without converters)

# Open to anyone: nothing here is about a person.
PUBLIC: dict[Key, str] = {
    ("GET", "/sign-in"): "the sign-in form",
    ("POST", "/sign-in"): "signing in (its own form token, no session yet)",
    ("GET", "/healthz"): "the load balancer's health check",
}
PUBLIC_MOUNTS = {"/static": "CSS, JavaScript, images", "/assets": "GOV.UK Frontend's fonts"}
# About the signed-in member of staff only. The GET is opened by every role; the POSTs are
# not sent here because they would end or change the very sessions these checks use.
OWN_ACCOUNT: dict[Key, str] = {
    ("GET", "/account/password"): "the form to change one's own password",
    ("GET", "/account"): "one's own account settings",
    ("POST", "/account"): "changes one's own email settings (not posted here)",
    ("POST", "/account/password"): "changes one's own password (not posted here)",
    ("POST", "/sign-out"): "ends one's own session (not posted here)",
}
# Pages that name no person in their address, and what each role gets. A role left out is
# not sent (adding a person is about no existing one: only the administrator's refusal is).
STAFF_ROLES = ("owner", "senior", "colleague", "other_senior", "partner")
NO_PERSON: dict[Key, dict[str, int]] = {
    ("GET", "/"): {**dict.fromkeys(STAFF_ROLES, 200), "admin": 303},
    ("GET", "/people/new"): {**dict.fromkeys(STAFF_ROLES, 200), "admin": 403},
    ("POST", "/people"): {"admin": 403},
}
# Person pages only one role may use whoever the person is (403 before the person is looked
# up, the same for a person who does not exist).
ROLE_ONLY: dict[Key, str] = {
    ("GET", "/people/{person_id}/case-manager"): "senior",
    ("POST", "/people/{person_id}/case-manager"): "senior",
}
ADMIN_PREFIX = "/admin/"


@dataclass(frozen=True)
class Ids:
    """One person's things, as the addresses name them."""

    person_id: int
    conversation_id: int  # a shared conversation
    answer_id: int  # a voice note in a shared conversation (media)
    text_answer_id: int  # a typed answer in a shared conversation (plan sources)
    flag_id: int  # a flag raised with a voice note, and a message added to it since
    message_id: int  # that added message (a photo)
    item_id: int  # a plan item
    tool: str  # a tool they have shared
    assignment_id: int  # a tool set for them to do


# Address placeholder -> the `Ids` field that fills it. A new placeholder fails the route
# check until it is mapped here (to an id of the victim's, so the checks below reach it).
PARAMS: dict[str, str] = {
    "person_id": "person_id",
    "conversation_id": "conversation_id",
    "answer_id": "answer_id",
    "flag_id": "flag_id",
    "message_id": "message_id",
    "item_id": "item_id",
    "tool": "tool",
    "assignment_id": "assignment_id",
}

ROLES = ("owner", "senior", "colleague", "other_senior", "partner", "admin")
SEES_VICTIM = ("owner", "senior")
REFUSED = ("colleague", "other_senior", "partner", "admin")
# An id no person has (within PostgreSQL's integer range, so it is looked up for real).
MISSING = 987_654


@dataclass
class World:
    staff: dict[str, Staff]
    north_id: int
    victim: Ids
    # On Owner's caseload too, with things of their own: for mixing ids across people.
    other: Ids
    # The victim, with the ids of things they did NOT share in place of the shared ones.
    private: Ids
    # Not joined yet, with an open invite: what the invite actions act on.
    invitee: Ids
    # What must not reach anyone who may not see these people: their names, CRNs, words.
    secrets: tuple[str, ...]
    # Of those, what even an administrator must never read (names and CRNs are in the log).
    words: tuple[str, ...]
    # Answers of conversations not shared: never shown to any member of staff at all.
    unshared: tuple[str, ...]


Form = Callable[[World, Ids], dict[str, str | list[str]]]

# /admin placeholders: a member of staff made for the admin actions to act on, and North.
ADMIN_PARAMS: dict[str, Callable[[World], int]] = {
    "staff_id": lambda w: w.staff["target"].id or 0,
    "org_id": lambda w: w.north_id,
}

# Plausible form data for every action: what a real page would send (the form token is added
# when it is posted). A new action fails the route check until it has an entry here.
APPOINTMENT = {
    "at-day": "1",
    "at-month": "12",
    "at-year": "2026",
    "time": "14:30",
    "kind": "phone",
    "place": "Their mobile",
}
FORMS: dict[Key, Form] = {
    ("POST", "/people/{person_id}/invite"): lambda w, ids: {},
    ("POST", "/people/{person_id}/case-manager"): lambda w, ids: {
        "case_manager": str(w.staff["colleague"].id)
    },
    ("POST", "/people/{person_id}/appointment"): lambda w, ids: dict(APPOINTMENT),
    ("POST", "/people/{person_id}/appointment/cancel"): lambda w, ids: {},
    ("POST", "/people/{person_id}/conversations/{conversation_id}/review"): lambda w, ids: {
        "note": "Read through it together",
        "sensitive": "yes",
        "back": "conversation",
    },
    ("POST", "/people/{person_id}/notes"): lambda w, ids: {"text": "Rang them about housing"},
    ("POST", "/people/{person_id}/flags/{flag_id}/resolve"): lambda w, ids: {
        "resolution": "Rang them; they are safe"
    },
    ("POST", "/people/{person_id}/plan"): lambda w, ids: {
        "what": "Ring the job centre",
        "who": "Case manager",
        "answer": str(ids.text_answer_id),
        "back": "plan",
    },
    ("POST", "/people/{person_id}/plan/{item_id}/edit"): lambda w, ids: {
        "what": "Ring the job centre on Monday",
        "who": "Case manager",
        "back": "plan",
    },
    ("POST", "/people/{person_id}/plan/{item_id}/status"): lambda w, ids: {
        "status": "done",
        "back": "plan",
    },
    ("POST", "/people/{person_id}/plan/send"): lambda w, ids: {"back": "plan"},
    ("POST", "/people/{person_id}/assignments/new"): lambda w, ids: {
        "tools": ["people_in_my_life"],
        "when": "date",
        "by-day": "4",
        "by-month": "12",
        "by-year": "2026",
        "note": "Have a think about who helps you",
    },
    ("POST", "/people/{person_id}/assignments/{assignment_id}/cancel"): lambda w, ids: {},
    ("POST", "/people/{person_id}/checkins"): lambda w, ids: {
        "action": "start",
        "every": "7",
        "window": "3",
        "first-day": "1",
        "first-month": "12",
        "first-year": "2026",
    },
    ("POST", "/people"): lambda w, ids: {
        "name": "Nia Newcomer",
        "crn": "NN100001",
        "language": "en",
        "case_manager": str(w.staff["owner"].id),
    },
    ("POST", "/admin/staff/new"): lambda w, ids: {
        "name": "Nia New",
        "email": "nia.new@example.org",
        "role": "case_manager",
        "organisation": str(w.north_id),
    },
    ("POST", "/admin/staff/{staff_id}/deactivate"): lambda w, ids: {},
    ("POST", "/admin/staff/{staff_id}/reactivate"): lambda w, ids: {},
    ("POST", "/admin/staff/{staff_id}/unlock"): lambda w, ids: {},
    ("POST", "/admin/staff/{staff_id}/reset-password"): lambda w, ids: {},
    ("POST", "/admin/organisations/new"): lambda w, ids: {
        "name": "Probation East",
        "kind": "probation",
    },
    ("POST", "/admin/organisations/{org_id}"): lambda w, ids: {
        "remind": ["on_the_day"],
        "hour": "15",
    },
    ("POST", "/admin/organisations/{org_id}/escalation"): lambda w, ids: {
        "escalation_hours": "6",
    },
    ("POST", "/admin/organisations/{org_id}/order-text"): lambda w, ids: {
        "order_text_en": "Your officer reads what you share.",
    },
}
# Ids a page takes in its query string rather than its address.
QUERIES: dict[Key, Callable[[Ids], dict[str, str]]] = {
    ("GET", "/people/{person_id}/plan/new"): lambda ids: {"answer": str(ids.text_answer_id)},
}
# Also opened for the invitee: the victim has joined, so inviting them again does nothing,
# and a refusal that changes nothing would prove nothing.
INVITEE_ROUTES = {("GET", "/people/{person_id}/invite"), ("POST", "/people/{person_id}/invite")}

# Tables a refused request must leave as they were. (Not the audit log: recording a refused
# attempt would be a fine thing to add. Not staff_session: every request touches last_seen.)
WATCHED = (
    "organisation",
    "staff",
    "service_user",
    "invite",
    "conversation",
    "answer",
    "flag",
    "flag_message",
    "note",
    "plan_item",
    "appointment",
    "outbox",
    "person_seen",
    "assignment",
    "checkin_schedule",
    "due_job",
)

PLACEHOLDER = re.compile(r"\{(\w+)(?::\w+)?\}")


# --- the route table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    params: tuple[str, ...]

    @property
    def key(self) -> Key:
        return (self.method, self.path)

    @property
    def person(self) -> bool:
        return any(p in PARAMS for p in self.params)

    @property
    def admin(self) -> bool:
        return self.path.startswith(ADMIN_PREFIX) and not self.person

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def route_table(app: FastAPI) -> tuple[list[Route], list[str]]:
    """Every page and action of the app, and what is missing to check each of them."""
    routes: list[Route] = []
    problems: list[str] = []
    # FastAPI keeps included routers as they were included; this walks into them.
    for context in iter_route_contexts(app.routes):
        original = context.original_route
        raw = str(context.path)
        if isinstance(original, Mount):
            if raw not in PUBLIC_MOUNTS:
                problems.append(f"{raw}: a mounted app these checks do not know; check it")
            continue
        if not isinstance(original, APIRoute):
            problems.append(f"{raw}: a {type(original).__name__}; add it to these checks")
            continue
        params = tuple(PLACEHOLDER.findall(raw))
        path = PLACEHOLDER.sub(r"{\1}", raw)
        for method in sorted(context.methods or ()):
            route = Route(method, path, params)
            routes.append(route)
            problems += _unchecked(route)
    present = {r.key for r in routes}
    for name, listed in (
        ("PUBLIC", PUBLIC),
        ("OWN_ACCOUNT", OWN_ACCOUNT),
        ("NO_PERSON", NO_PERSON),
        ("ROLE_ONLY", ROLE_ONLY),
        ("FORMS", FORMS),
        ("QUERIES", QUERIES),
    ):
        problems += [
            f"{m} {p}: listed in {name}, but the app has no such route"
            for m, p in listed
            if (m, p) not in present
        ]
    return routes, problems


def checkable(route: Route) -> bool:
    """Everything needed to send it is known (what is not is reported by route_table)."""
    return not _unchecked(route)


def _unchecked(route: Route) -> list[str]:
    problems: list[str] = []
    if route.method not in ("GET", "POST"):
        problems.append(f"{route}: only GET and POST are checked here; add {route.method}")
    known = ADMIN_PARAMS if route.admin else PARAMS.keys()
    for name in route.params:
        if name not in known:
            problems.append(
                f"{route}: add a mapping for {name} (to PARAMS, an id of the victim's"
                f"{', or ADMIN_PARAMS' if route.path.startswith(ADMIN_PREFIX) else ''})"
            )
    if route.key in PUBLIC or route.key in OWN_ACCOUNT or route.key in NO_PERSON:
        if route.params:
            problems.append(f"{route}: listed as naming no person, but it takes an id")
    elif not route.params and not route.admin:
        problems.append(
            f"{route}: names no person; say what each role gets in NO_PERSON "
            "(or list it in PUBLIC or OWN_ACCOUNT with why)"
        )
    if (
        route.method == "POST"
        and route.key not in FORMS
        and route.key not in PUBLIC
        and route.key not in OWN_ACCOUNT
    ):
        problems.append(f"{route}: add plausible form data for it to FORMS")
    return problems


# --- the people, their things, and the staff --------------------------------------------------


async def _voice(review: ReviewHarness, conv: Conversation, question: str, file_id: str) -> int:
    async with review.db.transaction() as session:
        answer = Answer(
            conversation_id=conv.id or 0,
            service_user_id=conv.service_user_id,
            script_version_id=conv.script_version_id,
            step_id="voice",
            question=question,
            value={"media": "voice", "file_id": file_id, "file_unique_id": "AQAD", "duration": 9},
            display="Voice message (0:09)",
            answered_at=review.clock(),
        )
        session.add(answer)
        await session.flush()
        return answer.id or 0


async def _answer_id(review: ReviewHarness, conv: Conversation, step_id: str) -> int:
    async with review.db.transaction() as session:
        found = (
            await session.exec(
                select(Answer.id).where(
                    Answer.conversation_id == conv.id, Answer.step_id == step_id
                )
            )
        ).one()
    return int(found)


async def _things(
    review: ReviewHarness, person: ServiceUser, owner: Staff, words: str, about: Conversation
) -> tuple[int, int, int, int]:
    """A flag (with a voice note, and a photo with words added since), a note, a plan item
    (open, not sent), an appointment, all in `words`, and a tool set for them to do (not sent
    yet)."""
    flag = await review.flag(
        person,
        message=f"Flag {words}",
        conversation_id=about.id,
        media_kind="voice",
        file_id=f"flag-voice-{words}",
        contact="times",
        contact_times=f"Call {words} mornings",
    )
    now = review.clock()
    async with review.db.transaction() as session:
        added = FlagMessage(
            flag_id=flag.id or 0,
            service_user_id=person.id or 0,
            kind="repeat",
            text=f"Again {words}",
            categories=["suicide_self_harm"],
            media_kind="photo",
            file_id=f"flag-photo-{words}",
            created_at=now,
        )
        session.add(added)
        session.add(
            Note(service_user_id=person.id or 0, staff_id=owner.id or 0, text=f"Note {words}")
        )
        item = PlanItem(
            service_user_id=person.id or 0,
            what=f"Plan {words}",
            who="Them",
            created_by=owner.id or 0,
            created_at=now,
            updated_at=now,
        )
        session.add(item)
        session.add(
            Appointment(
                service_user_id=person.id or 0,
                at=now + timedelta(days=3),
                place=f"Room {words}",
                created_by=owner.id,
            )
        )
        assignment = Assignment(
            service_user_id=person.id or 0,
            tool="places_that_help",
            due_at=now + timedelta(days=3),
            set_by=owner.id,
            created_at=now,
            updated_at=now,
        )
        session.add(assignment)
        await session.flush()
        return flag.id or 0, added.id or 0, item.id or 0, assignment.id or 0


@cache
def _password_hash() -> str:
    return auth.hash_password(PASSWORD)


async def _staff(
    review: ReviewHarness, role: str, name: str, org: str = "Probation North"
) -> Staff:
    """As `review.staff`, with the password hashed once for the whole run (argon2 is slow on
    purpose; signing in, which must check it, is slow enough)."""
    organisation = await review.org(org)
    async with review.db.transaction() as session:
        member = Staff(
            organisation_id=organisation.id or 0,
            email=f"{name.split()[0].lower()}@example.org",
            name=name,
            role=role,
            password_hash=_password_hash(),
        )
        session.add(member)
    return member


async def build(review: ReviewHarness) -> World:
    async def fetch(file_id: str) -> tuple[bytes, str]:
        return b"OggS\x00\x02voice", "audio/ogg"

    review.config.fetch_media = fetch
    north = await review.org("Probation North")
    await review.org("Probation South")
    await review.org("Womens Centre North", kind="partner")
    staff = {
        "owner": await _staff(review, "case_manager", "Owen Owner"),
        "senior": await _staff(review, "senior", "Sena Senior"),
        "colleague": await _staff(review, "case_manager", "Cole Colleague"),
        "other_senior": await _staff(review, "senior", "Sol South", "Probation South"),
        "partner": await _staff(review, "case_manager", "Pat Partner", "Womens Centre North"),
        "admin": await _staff(review, "admin", "Ada Admin"),
        # What the admin actions act on (switching off a signed-in role would end its session).
        "target": await _staff(review, "case_manager", "Tara Target"),
    }
    owner = staff["owner"]
    async with review.db.transaction() as session:
        # Locked out, so that unlocking it changes something.
        target = staff["target"]
        target.failed_sign_ins, target.locked_until = 5, review.clock() + timedelta(minutes=15)
        session.add(target)

    victim = await review.person(owner, name="Victoria Quillfeather", crn="VQ700001")
    vid = victim.id or 0
    shared = await review.conversation(
        victim,
        "good_day_bad_day",
        {"good_day": "Pottery with Quillan", "bad_day": "Shouting at the Zephyrine hostel"},
    )
    kept = await review.conversation(
        victim, "aspirations", {"five_years": "Open the Xylophonic bakery"}, sharing="private"
    )
    voice = await _voice(review, shared, "Tell me about the Brackenridge move", "shared-voice")
    private_voice = await _voice(review, kept, "Say it about Wyvernholt", "private-voice")
    flag_id, message_id, item_id, assignment_id = await _things(
        review, victim, owner, "Marigoldtown", shared
    )
    victim_ids = Ids(
        person_id=vid,
        conversation_id=shared.id or 0,
        answer_id=voice,
        text_answer_id=await _answer_id(review, shared, "good_day"),
        flag_id=flag_id,
        message_id=message_id,
        item_id=item_id,
        tool="good_day_bad_day",
        assignment_id=assignment_id,
    )
    private = replace(
        victim_ids,
        conversation_id=kept.id or 0,
        answer_id=private_voice,
        text_answer_id=await _answer_id(review, kept, "five_years"),
        tool="aspirations",
    )

    other = await review.person(owner, name="Oscar Otherfield", crn="OO700002")
    other_shared = await review.conversation(
        other, "aspirations", {"five_years": "Run the Gallowmere garage"}
    )
    other_flag, other_message, other_item, other_assignment = await _things(
        review, other, owner, "Thistlecombe", other_shared
    )
    other_ids = Ids(
        person_id=other.id or 0,
        conversation_id=other_shared.id or 0,
        answer_id=await _voice(review, other_shared, "About Gallowmere", "other-voice"),
        text_answer_id=await _answer_id(review, other_shared, "five_years"),
        flag_id=other_flag,
        message_id=other_message,
        item_id=other_item,
        tool="aspirations",
        assignment_id=other_assignment,
    )

    invitee = await review.person(owner, name="Ivy Invitewell", crn="IV700003", joined=False)
    async with review.db.transaction() as session:
        await add_invite(
            session, invitee.id or 0, hash_code(new_code()), review.clock() + timedelta(days=14)
        )

    words = (
        "Pottery with Quillan",
        "Zephyrine",
        "Brackenridge",
        "Marigoldtown",
        "Gallowmere",
        "Thistlecombe",
    )
    return World(
        staff=staff,
        north_id=north.id or 0,
        victim=victim_ids,
        other=other_ids,
        private=private,
        invitee=replace(victim_ids, person_id=invitee.id or 0),
        secrets=("Quillfeather", "VQ700001", "Otherfield", "OO700002", "Invitewell", "IV700003")
        + words,
        words=words,
        unshared=("Xylophonic", "Wyvernholt"),
    )


# --- requests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    route: Route
    url: str
    form: tuple[tuple[str, str | tuple[str, ...]], ...] | None
    query: tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        query = "?" + "&".join(f"{k}={v}" for k, v in self.query) if self.query else ""
        return f"{self.route.method} {self.url}{query}"


def call_for(world: World, route: Route, ids: Ids, *, empty: bool = False) -> Call:
    values: dict[str, Any] = {}
    for name in route.params:
        if name in PARAMS:
            values[name] = getattr(ids, PARAMS[name])
        elif name in ADMIN_PARAMS:
            values[name] = ADMIN_PARAMS[name](world)
        else:
            values[name] = name  # reported by route_table; never sent (see `checkable`)
    url = PLACEHOLDER.sub(lambda m: quote(str(values[m.group(1)]), safe=""), route.path)
    form = None
    if route.method == "POST":
        made = FORMS.get(route.key)  # a route without one is reported by route_table
        data = {} if empty or made is None else made(world, ids)
        # As pairs (a list becomes a tuple), so that a request can be a dictionary key.
        form = tuple((k, v if isinstance(v, str) else tuple(v)) for k, v in data.items())
    query = tuple(QUERIES[route.key](ids).items()) if route.key in QUERIES else ()
    return Call(route, url, form, query)


Browser = Web | httpx.AsyncClient


def found_in(response: httpx.Response, words: Iterable[str]) -> list[str]:
    """Which of `words` the answer holds, in its body or its headers (a file name...)."""
    haystack = response.text + "\n" + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    return [w for w in words if w in haystack]


class Checks:
    """Sends the requests and collects every problem, to fail once with all of them."""

    def __init__(self, review: ReviewHarness, world: World, problems: list[str]) -> None:
        self.review = review
        self.world = world
        self.problems = problems
        self.sent = 0
        # What each role gets for a person who does not exist, by request.
        self.baselines: dict[tuple[str, Call], int] = {}

    def fail(self, who: str, call: Call | str, text: str) -> None:
        self.problems.append(f"{who}: {call}: {text}")

    async def send(self, who: str, browser: Browser, call: Call) -> httpx.Response:
        params = dict(call.query)
        if call.route.method == "GET":
            response = await browser.get(call.url, params=params)
        elif isinstance(browser, Web):
            response = await browser.post(call.url, dict(call.form or ()), params=params)
        else:
            response = await browser.post(call.url, data=dict(call.form or ()), params=params)
        self.sent += 1
        if response.status_code >= 500:
            self.fail(who, call, f"crashed ({response.status_code})")
        if call.route.method == "GET" and call.route.key not in PUBLIC:
            cache = response.headers.get("cache-control", "")
            csp = response.headers.get("content-security-policy", "")
            if "no-store" not in cache:
                self.fail(who, call, f"Cache-Control is {cache!r}, not no-store")
            if "frame-ancestors 'none'" not in csp:
                self.fail(who, call, "the CSP does not say frame-ancestors 'none'")
        if shown := found_in(response, self.world.unshared):
            self.fail(who, call, f"shows answers that were never shared: {shown}")
        return response

    async def refused(self, role: str, browser: Web, route: Route, ids: Ids) -> None:
        """Not theirs to see: the same as a person who does not exist, and nothing of theirs."""
        for empty in (False, True) if route.method == "POST" else (False,):
            call = call_for(self.world, route, ids, empty=empty)
            response = await self.send(role, browser, call)
            got = response.status_code
            what = " (empty form)" if empty else ""
            # 404 is "no such person"; anything else, or where a 403 may come first, must be
            # what a person who does not exist gets.
            if got != 404 or role == "admin" or route.key in ROLE_ONLY:
                baseline = await self.baseline(role, browser, route, ids, empty)
                if got != baseline:
                    self.fail(
                        role,
                        call,
                        f"got {got}{what} but {baseline} for a person who does not exist: "
                        "the answer tells them this person exists",
                    )
                elif got not in (403, 404) and not (empty and got == 400):
                    self.fail(role, call, f"got {got}{what}; expected 404 (not theirs to see)")
                elif got == 403 and role != "admin" and route.key not in ROLE_ONLY:
                    self.fail(role, call, f"got 403{what}; expected 404, as for a missing person")
            if leaked := found_in(response, self.world.secrets):
                self.fail(role, call, f"the answer holds {leaked}")

    async def baseline(self, role: str, browser: Web, route: Route, ids: Ids, empty: bool) -> int:
        absent = call_for(self.world, route, replace(ids, person_id=MISSING), empty=empty)
        # Asked once per kind of role: what a role may do is all that can change it.
        kind = self.world.staff[role].role
        if (kind, absent) not in self.baselines:
            self.baselines[kind, absent] = (await self.send(role, browser, absent)).status_code
        return self.baselines[kind, absent]

    def allowed(self, role: str, call: Call, response: httpx.Response) -> None:
        got = response.status_code
        location = response.headers.get("location", "")
        if call.route.method == "GET" and got != 200:
            self.fail(role, call, f"got {got}; they may open it, expected 200")
        elif call.route.method == "POST" and (got not in (200, 303) or "sign-in" in location):
            self.fail(role, call, f"got {got} {location}; they may do it, expected 200 or 303")


Snapshot = dict[str, dict[str, str]]


async def snapshot(review: ReviewHarness) -> Snapshot:
    """Every watched row, as text (rows hold JSON that does not compare as a set member),
    by its primary key."""
    tables = SQLModel.metadata.tables
    found: Snapshot = {}
    async with review.db.transaction() as session:
        connection = await session.connection()
        for name in WATCHED:
            table = tables[name]
            keys = list(table.primary_key.columns)
            rows = await connection.execute(sa_select(table).order_by(*keys))
            found[name] = {repr(tuple(row[: len(keys)])): repr(tuple(row)) for row in rows.all()}
    return found


def changes(before: Snapshot, after: Snapshot) -> str:
    """What changed, table by table (rows by their key), or "" if nothing did."""
    said = []
    for name in WATCHED:
        old, new = before[name], after[name]
        added = sorted(new.keys() - old.keys())
        gone = sorted(old.keys() - new.keys())
        altered = sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
        for what, rows in (("added", added), ("deleted", gone), ("changed", altered)):
            if rows:
                said.append(f"{name} rows {what}: {', '.join(rows)}")
    return "; ".join(said)


@asynccontextmanager
async def signed_in(
    review: ReviewHarness, world: World, roles: Iterable[str]
) -> AsyncIterator[dict[str, Web]]:
    """Each role signed in once, for the whole test (argon2 is slow on purpose)."""
    async with AsyncExitStack() as stack:
        yield {
            role: await stack.enter_async_context(review.signed_in(world.staff[role]))
            for role in roles
        }


def report(problems: list[str], sent: int) -> str:
    return f"{len(problems)} problem(s) in {sent} requests:\n" + "\n".join(problems)


# --- the tests ------------------------------------------------------------------------------


async def test_every_route_is_covered(tmp_path: Path) -> None:
    """A route these checks cannot fill in or do not know fails here, saying what to add."""
    db = Database(sqlite_url(tmp_path))
    try:
        routes, problems = route_table(create_app(ReviewConfig(db=db, catalogue=catalogue())))
    finally:
        await db.dispose()
    assert not problems, "\n".join(problems)
    people = [r for r in routes if r.person]
    # The table was really walked (included routers and all), not silently empty.
    assert len(people) >= 20 and any(r.admin for r in routes), [str(r) for r in routes]


async def test_every_page_and_action_checks_who_may_see_the_person(review: ReviewHarness) -> None:
    world = await build(review)
    routes, problems = route_table(review.app)
    checks = Checks(review, world, problems)
    people = [r for r in routes if r.person and checkable(r)]
    changed: set[Key] = set()
    async with signed_in(review, world, ROLES) as web:
        # Everyone who may not see the victim, on every route that names them: refused as if
        # they did not exist, told nothing, and nothing changes.
        async def refuse(route: Route) -> None:
            targets = [world.victim]
            if route.key in INVITEE_ROUTES:
                targets.append(world.invitee)
            for ids in targets:
                for role in REFUSED:
                    await checks.refused(role, web[role], route, ids)

        before = await snapshot(review)
        for route in (r for r in people if r.method == "GET"):
            await refuse(route)
        if moved := changes(before, await snapshot(review)):
            checks.fail("refused roles", "opening pages", f"changed data: {moved}")
        for route in (r for r in people if r.method == "POST"):
            before = await snapshot(review)
            await refuse(route)
            if moved := changes(before, await snapshot(review)):
                checks.fail("refused roles", str(route), f"changed data: {moved}")

        # Pages naming no one: only the people one may see are on them.
        by_key = {r.key: r for r in routes}
        for key, expected in NO_PERSON.items():
            if (route := by_key.get(key)) is None:
                continue  # reported by route_table
            before = await snapshot(review)
            for role, status in expected.items():
                call = call_for(world, route, world.victim)
                response = await checks.send(role, web[role], call)
                if response.status_code != status:
                    checks.fail(role, call, f"got {response.status_code}, expected {status}")
                if role not in SEES_VICTIM and (leaked := found_in(response, world.secrets)):
                    checks.fail(role, call, f"the answer holds {leaked}")
            if route.method == "POST" and (moved := changes(before, await snapshot(review))):
                checks.fail("refused roles", str(route), f"changed data: {moved}")
        for role in ROLES:
            for key in OWN_ACCOUNT:
                if key[0] != "GET" or (own := by_key.get(key)) is None:
                    continue  # its POSTs would change the sessions used here
                call = call_for(world, own, world.victim)
                response = await checks.send(role, web[role], call)
                if response.status_code != 200:
                    checks.fail(role, call, f"got {response.status_code}, expected 200")
                if leaked := found_in(response, world.secrets):
                    checks.fail(role, call, f"the answer holds {leaked}")
        # The leak checks above look for words that are really there for the right people.
        home = await web["owner"].get("/")
        page = await web["owner"].get(f"/people/{world.victim.person_id}")
        for response, wanted in (
            (home, ("Quillfeather", "Otherfield", "Invitewell")),
            (page, ("Quillfeather", "VQ700001", "Quillan", "Zephyrine", "Brackenridge")),
            (page, ("Note Marigoldtown", "Flag Marigoldtown", "Plan Marigoldtown")),
            (page, ("Again Marigoldtown", "Call Marigoldtown mornings")),
        ):
            if missing := [w for w in wanted if w not in response.text]:
                checks.fail("owner", str(response.url), f"does not show {missing}")

        # Administration: administrators only, and even they read no one's words.
        admin_routes = [r for r in routes if r.admin and checkable(r)]
        for route in admin_routes:
            before = await snapshot(review)
            for role in ("owner", "senior"):  # a case manager, a senior
                call = call_for(world, route, world.victim)
                response = await checks.send(role, web[role], call)
                if response.status_code != 403:
                    checks.fail(
                        role, call, f"got {response.status_code}; expected 403 (admin only)"
                    )
            if moved := changes(before, await snapshot(review)):
                checks.fail("staff roles", str(route), f"changed data: {moved}")
        for route in admin_routes:
            call = call_for(world, route, world.victim)
            before = await snapshot(review)
            response = await checks.send("admin", web["admin"], call)
            checks.allowed("admin", call, response)
            if leaked := found_in(response, world.words):
                checks.fail("admin", call, f"shows a person's words: {leaked}")
            if route.method == "POST" and not changes(before, await snapshot(review)):
                checks.fail("admin", call, "changed nothing: the refusals above prove little")

        # Last, as they change things: Owner, then the senior, on every route. Each action
        # must change something at least once, so "nothing changed" above means something.
        for role in SEES_VICTIM:
            for route in people:
                targets = [world.victim]
                if route.key in INVITEE_ROUTES:
                    targets.append(world.invitee)
                for ids in targets:
                    call = call_for(world, route, ids)
                    before = await snapshot(review)
                    response = await checks.send(role, web[role], call)
                    only = ROLE_ONLY.get(route.key)
                    if only and world.staff[role].role != only:
                        if response.status_code != 403:
                            checks.fail(role, call, f"got {response.status_code}; {only}s only")
                    else:
                        checks.allowed(role, call, response)
                    if route.method == "POST" and changes(before, await snapshot(review)):
                        changed.add(route.key)
        for route in people:
            if route.method == "POST" and route.key not in changed:
                checks.fail(
                    "owner and senior",
                    str(route),
                    "changed nothing when allowed: fix its FORMS data so the refusals mean something",
                )
    assert not problems, report(problems, checks.sent)


async def test_an_id_of_one_person_never_opens_another(review: ReviewHarness) -> None:
    """Staff who may see both people still get 404 for one person's conversation, answer, flag,
    plan item or tool through the other's address, and for what a person did not share."""
    world = await build(review)
    routes, problems = route_table(review.app)
    checks = Checks(review, world, problems)
    names = [f.name for f in fields(Ids) if f.name != "person_id"]
    mixes = (
        (world.victim, world.other),
        (world.other, world.victim),
        (world.victim, world.private),
    )
    tried = 0
    async with signed_in(review, world, SEES_VICTIM) as web:
        for route in (r for r in routes if "person_id" in r.params and checkable(r)):
            before = await snapshot(review)
            for base, lender in mixes:
                plain = call_for(world, route, base)
                for name in names:
                    call = call_for(world, route, replace(base, **{name: getattr(lender, name)}))
                    if call == plain:
                        continue  # this route does not use that id
                    for role in SEES_VICTIM:
                        only = ROLE_ONLY.get(route.key)
                        if only and world.staff[role].role != only:
                            continue
                        tried += 1
                        response = await checks.send(role, web[role], call)
                        if response.status_code != 404:
                            checks.fail(
                                role, call, f"got {response.status_code}; the {name} is not theirs"
                            )
            if moved := changes(before, await snapshot(review)):
                checks.fail("owner and senior", str(route), f"mixed ids changed data: {moved}")
    # Conversations, answers (media and plan sources), flags, plan items and tools were tried.
    assert tried >= 40 or problems, tried
    assert not problems, report(problems, checks.sent)


async def test_signed_out_every_page_sends_to_sign_in(review: ReviewHarness) -> None:
    world = await build(review)
    routes, problems = route_table(review.app)
    checks = Checks(review, world, problems)
    before = await snapshot(review)
    async with review.client() as client:
        for route in routes:
            if route.key in PUBLIC:
                continue
            call = call_for(world, route, world.victim)
            response = await checks.send("signed out", client, call)
            got, location = response.status_code, response.headers.get("location", "")
            if route.method == "GET":
                if got != 303 or not location.startswith(f"/sign-in?next={quote(call.url)}"):
                    checks.fail("signed out", call, f"got {got} {location}; expected sign-in")
            elif got != 401:
                checks.fail("signed out", call, f"got {got}; expected 401")
            if leaked := found_in(response, world.secrets):
                checks.fail("signed out", call, f"the answer holds {leaked}")
    if moved := changes(before, await snapshot(review)):
        problems.append(f"signed out: changed data: {moved}")
    assert not problems, report(problems, checks.sent)
