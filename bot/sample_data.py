"""Made-up conversations written straight to the database, shaped exactly as the engine stores
them (the question as asked, the value, and the words shown for it). Used by the demo, the
review app's tests and the benchmarks, which need people with history without chatting it all.

- `add_conversation` writes one conversation with the answers given;
- `sample_answers(tool, rng)` makes up believable answers to one of the shipped tools, along a real
  path through its script (real step ids and choice values; plain, varied words);
- `populate` fills a database fast (bulk inserts in batches): organisations, staff, thousands
  of people with months of shared tools, flags, plan items and appointments;
- `add_history` gives one person a long history (a person page with 200 conversations).

Every name, CRN and answer here is invented.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversations.catalogue import Catalogue
from bot.engine import AnswerValue, Script
from bot.scheduling.escalation import DEFAULT_HOURS, ESCALATION
from bot.scheduling.office import OFFICE
from storage.db import Database
from storage.models import Answer, Conversation
from storage.types import utcnow


class UnknownStep(KeyError):
    pass


async def add_conversation(
    session: AsyncSession,
    catalogue: Catalogue,
    person_id: int,
    tool: str,
    answers: dict[str, Any],
    *,
    at: datetime,
    sharing: str = "shared",
    status: str = "finished",
    lang: str = "en",
    skipped: tuple[str, ...] = (),
) -> Conversation:
    """A conversation of `tool` with these answers (step id -> value, as the engine keeps it:
    a choice's value, a list of item dicts, a number...). `status="active"` leaves it in
    progress at its first unanswered question."""
    script = catalogue.get(tool)
    if script is None:
        raise UnknownStep(tool)
    version_id = await catalogue.version_id(session, script)
    finished = status == "finished"
    conv = Conversation(
        service_user_id=person_id,
        script_version_id=version_id,
        script_id=tool,
        step=script.check_step or script.first_step if finished else script.first_step,
        state={},
        status=status,
        sharing=sharing if finished else "undecided",
        shared_at=at if finished and sharing == "shared" else None,
        started_at=at,
        updated_at=at,
        finished_at=at if finished else None,
    )
    session.add(conv)
    await session.flush()
    assert conv.id is not None
    for step_id in (*answers, *skipped):
        step = script.step(step_id) if script.has_step(step_id) else None
        if step is None or step.kind is None:
            raise UnknownStep(f"{tool}.{step_id}")
        value = answers.get(step_id)
        session.add(
            Answer(
                conversation_id=conv.id,
                service_user_id=person_id,
                script_version_id=version_id,
                step_id=step_id,
                question=step.text.pick(lang),
                value=value,
                display="" if step_id in skipped else step.kind.show(value, lang),
                skipped=step_id in skipped,
                answered_at=at,
            )
        )
    return conv


# ---- believable answers ------------------------------------------------------------------

Answers = dict[str, AnswerValue]


def _ticks(rng: random.Random, values: Sequence[str], most: int = 3) -> list[AnswerValue]:
    return list(rng.sample(list(values), rng.randint(1, min(most, len(values)))))


def _maybe(rng: random.Random, chance: float, words: Sequence[str]) -> str | None:
    return rng.choice(words) if rng.random() < chance else None


def _put(answers: Answers, step_id: str, value: AnswerValue) -> None:
    """A skipped question is stored as None; a question never reached is not stored."""
    answers[step_id] = value


def _aspirations(rng: random.Random) -> Answers:
    a: Answers = {}
    areas = [
        "home", "family", "friends", "work", "learning", "health", "money", "fun",
        "helping_others",
    ]  # fmt: skip
    _put(a, "dream_areas", _ticks(rng, areas, 4))
    _put(a, "five_years", _maybe(rng, 0.9, [
        "Living in my own flat with my dog, working on the buses",
        "Working as a plasterer and seeing my daughter every weekend",
        "Off everything for good and back in touch with my mum",
        "Running my own little gardening business",
        "Settled somewhere quiet, with a job I don't dread",
        "Qualified as a mechanic. Maybe a car of my own",
        "Helping young lads so they don't end up where I did",
        "Just a normal life. Bills paid, kids happy",
        "Back at college doing something with computers",
    ]))  # fmt: skip
    _put(a, "one_year", _maybe(rng, 0.85, [
        "Finished my CSCS card and on a site",
        "Out of the hostel and in a place of my own",
        "Doing the level 1 maths and English at college",
        "Clean for a year",
        "Seeing the kids without a social worker there",
        "A job, any job to start with",
        "Driving lessons paid off and my test booked",
        "Volunteering at the food bank two days a week",
    ]))  # fmt: skip
    _put(a, "good_now", _maybe(rng, 0.85, [
        "My sister. She's always there",
        "I'm good with my hands",
        "My little boy",
        "The gym keeps me sane",
        "I've got a roof over my head now",
        "My nan's house, it's calm there",
        "I can cook, proper meals",
        "My mate Dean who got me into boxing",
    ]))  # fmt: skip
    _put(a, "small_step", _maybe(rng, 0.9, [
        "Ring the college about the course",
        "Get my ID sorted so I can open a bank account",
        "Go to the drop-in on Tuesday",
        "Ask my sister to help me with a CV",
        "Register with a doctor",
        "Go to one meeting",
        "Look at the jobs board at the Jobcentre",
    ]))  # fmt: skip
    _put(a, "step_when", rng.choice(["this_week", "next_few_weeks", "not_sure"]))
    _put(a, "who_helps", _maybe(rng, 0.8, [
        "My key worker at the hostel", "My sister", "Nobody really", "The lady at the library",
        "My probation officer", "My partner", "A mate from the gym",
    ]))  # fmt: skip
    if rng.random() < 0.4:
        _put(a, "officer_help", "yes")
        _put(a, "help_with", _maybe(rng, 0.9, [
            "Help filling in the college form",
            "A letter for the housing office",
            "Someone to ring the course for me, I get nervous on the phone",
            "Finding out about a bus pass",
        ]))  # fmt: skip
    else:
        _put(a, "officer_help", "not_now")
    return a


def _check_in(rng: random.Random) -> Answers:
    a: Answers = {}
    feeling = rng.choices(
        ["very_well", "well", "ok", "not_great", "struggling", None], [10, 28, 30, 15, 9, 8]
    )[0]
    _put(a, "feeling", feeling)
    if feeling in ("very_well", "well"):
        _put(a, "feeling_good", _maybe(rng, 0.7, [
            "Been going to the gym every morning",
            "Started the new job, it's going ok",
            "Seeing my kids more",
            "Staying away from the old crowd",
            "Sleeping better since I moved",
            "My mum's been a big help",
            "Keeping busy",
        ]))  # fmt: skip
    elif feeling == "ok":
        _put(a, "feeling_ok", _maybe(rng, 0.6, [
            "Up and down really",
            "Bit bored, nothing much happening",
            "Money's tight but getting by",
            "Tired. Not sleeping great",
            "Same as usual",
        ]))  # fmt: skip
    elif feeling in ("not_great", "struggling"):
        _put(a, "feeling_hard", _maybe(rng, 0.75, [
            "Lost my job on Friday and the rent is due",
            "Had a row with my partner and I'm sofa surfing",
            "Benefits got stopped and I don't know why",
            "Finding it hard not to drink",
            "My dad is in hospital",
            "Can't stop thinking about stuff. Not sleeping",
            "The hostel is really noisy and there's drugs everywhere",
            "Feel on my own most days",
        ]))  # fmt: skip
    if rng.random() < 0.5:
        support: AnswerValue = ["none"]
    else:
        support = _ticks(
            rng,
            [
                "housing", "money", "drink", "drugs", "mental_health", "relationships",
                "work_learning", "other",
            ],
            2,
        )  # fmt: skip
    _put(a, "support", support)
    if support != ["none"]:
        _put(a, "support_more", _maybe(rng, 0.6, [
            "I need to find somewhere before the end of the month",
            "Can someone help me with a budget",
            "I want to see someone about my mental health, the GP says there's a waiting list",
            "Just want to talk about it next time",
            "Looking for any work, labouring is fine",
        ]))  # fmt: skip
    call = rng.random() < 0.12
    _put(a, "callback", call)
    if call:
        _put(a, "callback_when", _maybe(rng, 0.8, [
            "Mornings", "After 3pm", "Any time", "Not Tuesdays, I'm at the food bank",
            "Lunchtime is best",
        ]))  # fmt: skip
    return a


def _enabling_fund(rng: random.Random) -> Answers:
    a: Answers = {}
    need = rng.choice([
        ("Get a job on a building site", "Steel toe cap boots and a hi-vis", 45,
         "Screwfix on the retail park"),
        ("Start the college course in September", "The enrolment fee", 60, "The college"),
        ("Get to my interviews", "A monthly bus pass", 75, "The bus station"),
        ("Open a bank account so I can get paid", "A copy of my birth certificate", 12,
         "The council website"),
        ("Do my forklift licence", "The course", 250, "A training place in town"),
        ("Keep my new flat", "A second hand fridge", 80, "The furniture charity shop"),
    ])  # fmt: skip
    goal, thing, cost, where = need
    _put(a, "goal", goal)
    _put(a, "need", thing)
    _put(a, "how_help", rng.choice([
        "I can't start without them",
        "Then I can get there every day and not be late",
        "They won't let me on site without it",
        "I need it for the job to start",
    ]))  # fmt: skip
    _put(a, "cost", cost)
    _put(a, "where_get", where)
    _put(a, "how_soon", rng.choice(["this_week", "few_weeks", "month_or_more", "no_rush"]))
    if rng.random() < 0.4:
        _put(a, "tried", ["none"])
    else:
        _put(a, "tried", _ticks(rng, ["saving", "family_friends", "jobcentre", "charity"], 2))
        _put(a, "tried_what", _maybe(rng, 0.8, [
            "The Jobcentre said they don't do that any more",
            "My brother helped last time but he's skint",
            "I'm saving but it will take months",
            "The charity has a waiting list",
        ]))  # fmt: skip
    return a


def _four_plus_one(rng: random.Random) -> Answers:
    a: Answers = {}
    _put(a, "tried", _maybe(rng, 0.9, [
        "Going to the drop-in every week",
        "I rang about the housing list like we said",
        "Tried the app for money, it helped a bit",
        "Walking instead of sitting in",
        "Went to two meetings",
    ]))  # fmt: skip
    _put(a, "learned", _maybe(rng, 0.8, [
        "I do better when I have a plan for the day",
        "Asking for help isn't as bad as I thought",
        "Mornings are my best time",
        "I need to keep away from town on a Friday",
    ]))  # fmt: skip
    _put(a, "pleased", _maybe(rng, 0.85, [
        "I haven't missed an appointment",
        "Got my ID sorted",
        "My daughter came round for tea",
        "Three weeks without a drink",
        "I finished the first part of the course",
    ]))  # fmt: skip
    _put(a, "worried", _maybe(rng, 0.7, [
        "The money when my benefits change",
        "Going back to court for the kids",
        "That I'll slip up",
        "My housing runs out in March",
    ]))  # fmt: skip
    step = _maybe(rng, 0.85, [
        "Ring the college", "Sort a budget", "Go to the gym twice a week",
        "Ask about volunteering at the café",
    ])  # fmt: skip
    _put(a, "next_step", step)
    if step is not None:
        who: AnswerValue = (
            ["none"]
            if rng.random() < 0.15
            else _ticks(
                rng, ["me", "probation_officer", "family_friends", "worker_group", "someone_else"]
            )
        )
        _put(a, "who_helps", who)
    talk = rng.choice(["going_well", "worries", "next_steps", "something_else", "not_sure"])
    _put(a, "talk_about", talk)
    if talk == "something_else":
        _put(a, "talk_other", rng.choice(["My curfew times", "Moving to my mum's", "My tag"]))
    return a


def _good_day_bad_day(rng: random.Random) -> Answers:
    a: Answers = {}
    _put(a, "good_day", _maybe(rng, 0.95, [
        "Get up early, take the dog out, go to work",
        "Football with my brother on Sunday",
        "Cook a proper dinner and watch a film with my girlfriend",
        "Go to the gym then see my mates",
        "Pick the kids up from school",
        "Fishing at the canal",
    ]))  # fmt: skip
    _put(a, "good_where", _maybe(rng, 0.8, [
        "At home", "At work", "Out and about", "The park", "My mum's", "The gym",
    ]))  # fmt: skip
    _put(a, "good_people", _maybe(rng, 0.8, [
        "My kids", "My partner", "Just me and the dog", "My brother", "Mates from work", "Nan",
    ]))  # fmt: skip
    _put(a, "good_why", _maybe(rng, 0.8, [
        "I feel useful", "Nobody's on my back", "I'm busy so I don't think about stuff",
        "I'm with people who care about me", "I feel normal",
    ]))  # fmt: skip
    _put(a, "bad_day", _maybe(rng, 0.9, [
        "Stay in bed, don't answer the phone",
        "Stuck indoors all day with nothing to do",
        "End up in town with the wrong people",
        "Arguing with everyone",
        "I drink",
    ]))  # fmt: skip
    _put(a, "bad_why", _maybe(rng, 0.75, [
        "No money", "Bad news from court", "Not sleeping", "Nothing to get up for",
        "Somebody winds me up",
    ]))  # fmt: skip
    _put(a, "what_helps", _maybe(rng, 0.8, [
        "Going for a walk", "Ringing my sister", "Music, headphones on", "Going to the gym",
        "Getting out of the house", "Talking to my key worker",
    ]))  # fmt: skip
    _put(a, "more_good", _maybe(rng, 0.8, [
        "A job", "Somewhere of my own", "Seeing my kids more", "Something to do in the day",
        "Staying away from drink",
    ]))  # fmt: skip
    if rng.random() < 0.35:
        _put(a, "want_help", "yes")
        _put(a, "help_with", _maybe(rng, 0.9, [
            "Finding work", "Housing", "Getting to see my kids", "Sorting my benefits",
        ]))  # fmt: skip
    else:
        _put(a, "want_help", "not_now")
    return a


def _important_to_for(rng: random.Random) -> Answers:
    a: Answers = {}
    _put(a, "to_me_areas", _ticks(rng, [
        "children", "family", "friends", "home", "pet", "work_learning", "faith_culture",
        "hobbies", "time_to_myself",
    ], 4))  # fmt: skip
    _put(a, "to_me", _maybe(rng, 0.9, [
        "My kids. Everything I do is for them",
        "My dog Tyson, he goes everywhere with me",
        "Going to mosque on Fridays",
        "Having my own space and a door I can shut",
        "Playing darts with my mates",
        "My mum, she's not well",
    ]))  # fmt: skip
    _put(a, "for_me_areas", _ticks(rng, [
        "health", "mental_health", "medicine", "safe_home", "bills", "drink_drugs",
        "staying_safe", "appointments", "order_licence",
    ], 4))  # fmt: skip
    _put(a, "for_me", _maybe(rng, 0.85, [
        "Taking my tablets every morning",
        "Not going back to my old area",
        "Eating properly",
        "Keeping my appointments",
        "Paying the gas before anything else",
    ]))  # fmt: skip
    clash = rng.choice(["yes", "sometimes", "not_really"])
    _put(a, "clash", clash)
    if clash != "not_really":
        _put(a, "clash_what", _maybe(rng, 0.8, [
            "My mates are in the old area but I'm meant to stay away",
            "Darts is at the pub",
            "Seeing my kids means seeing their mum and we row",
        ]))  # fmt: skip
        _put(a, "clash_help", _maybe(rng, 0.7, [
            "Meet my mates somewhere else", "Play darts at the club instead",
            "Someone else doing the handover",
        ]))  # fmt: skip
    if rng.random() < 0.3:
        _put(a, "officer_help", "yes")
        _put(a, "help_with", rng.choice(["Contact with my kids", "Moving nearer my mum"]))
    else:
        _put(a, "officer_help", "not_now")
    return a


def _my_responsibilities(rng: random.Random) -> Answers:
    a: Answers = {}
    _put(a, "going_well", _maybe(rng, 0.85, [
        "I've been to every appointment",
        "Done 40 hours of unpaid work",
        "Kept to my curfew",
        "Told my officer when I moved",
    ]))  # fmt: skip
    unsure = rng.random() < 0.1
    must: AnswerValue = (
        ["none"]
        if unsure
        else _ticks(
            rng,
            [
                "appointments", "unpaid_work", "course", "drink_drugs", "curfew", "address",
                "keep_away", "tell_changes", "other",
            ],
            4,
        )
    )  # fmt: skip
    _put(a, "must_do", must)
    if isinstance(must, list) and "other" in must:
        _put(a, "must_other", rng.choice(["A rehab requirement", "Stay out of the town centre"]))
    if not unsure:
        _put(a, "must_hard", _maybe(rng, 0.6, [
            "Unpaid work is on the same day as my shifts",
            "The curfew means I can't do nights",
            "Getting to appointments costs me bus money",
            "Not really",
        ]))  # fmt: skip
    _put(a, "my_choices", _maybe(rng, 0.7, [
        "Which day I do my unpaid work", "Who I ask for help", "What time I go to the gym",
    ]))  # fmt: skip
    _put(a, "my_ways", _maybe(rng, 0.7, [
        "Reminders on my phone", "My partner checks my letters", "A calendar on the fridge",
    ]))  # fmt: skip
    _put(a, "not_mine", _maybe(rng, 0.6, [
        "What other people do", "How long the housing list is", "What the court decides",
    ]))  # fmt: skip
    clear = rng.choices(["clear", "mostly_clear", "not_clear_yet", None], [40, 35, 15, 10])[0]
    _put(a, "how_clear", clear)
    questions = rng.random() < 0.3
    _put(a, "has_questions", questions)
    if questions:
        _put(a, "my_questions", _maybe(rng, 0.9, [
            "When does my licence end?",
            "Can I go to my cousin's wedding in Wales?",
            "Do I have to tell my new job about my order?",
            "What happens if I miss unpaid work because I'm ill?",
        ]))  # fmt: skip
    return a


_FIRST_NAMES = (
    "Dean", "Shaz", "Mum", "Nan", "Kayleigh", "Big Mo", "Tom", "Jess", "Uncle Pete", "Aisha",
    "Gareth", "Lou", "Rhys", "Bex", "Dr Patel", "Steve from AA",
)  # fmt: skip


def _people_in_my_life(rng: random.Random) -> Answers:
    a: Answers = {}
    if rng.random() < 0.08:
        _put(a, "people", None)
    else:
        people: list[AnswerValue] = []
        for name in rng.sample(_FIRST_NAMES, rng.randint(1, 6)):
            people.append(
                {
                    "name": name,
                    "part": rng.choice(
                        ["family", "friends", "paid_support", "work_learning_community"]
                    ),
                    "close": rng.choice(["very_close", "quite_close", "not_very_close"]),
                    "how_help": _maybe(
                        rng,
                        0.8,
                        [
                            "Listens to me",
                            "Lends me money when I'm short",
                            "Gets me to appointments",
                            "Makes me laugh",
                            "Tells me straight",
                            "Looks after the dog",
                        ],
                    ),  # fmt: skip
                }
            )
        _put(a, "people", people)
    _put(a, "closer_to", _maybe(rng, 0.7, [
        "My dad", "My eldest", "My brother in Leeds", "Old mates from football",
    ]))  # fmt: skip
    _put(a, "more_people", ["none"] if rng.random() < 0.4 else _ticks(rng, [
        "family", "friends", "paid_support", "work_learning_community",
    ], 2))  # fmt: skip
    harder = rng.choices(["yes", "sometimes", "no", None], [12, 25, 55, 8])[0]
    _put(a, "harder", harder)
    if harder in ("yes", "sometimes"):
        _put(a, "harder_how", _maybe(rng, 0.8, [
            "They want me to go out drinking",
            "My ex keeps turning up",
            "Old mates ring me when they want something",
        ]))  # fmt: skip
    if rng.random() < 0.25:
        _put(a, "officer_help", "yes")
        _put(a, "help_with", rng.choice(["Getting back in touch with my son", "My ex"]))
    else:
        _put(a, "officer_help", "not_now")
    return a


def _places_that_help(rng: random.Random) -> Answers:
    a: Answers = {}
    places = [
        ("The food bank at St Mark's", "food_clothes"), ("Boxing club on Mill Street", "sport"),
        ("Citizens Advice", "money"), ("The recovery café", "drink_drugs"),
        ("Shelter drop-in", "housing"), ("The library computers", "work_learning"),
        ("Men's shed", "meeting_people"), ("Gurdwara kitchen", "faith"),
        ("GP on the high street", "health"),
    ]  # fmt: skip
    chosen = rng.sample(places, rng.randint(1, 4))
    _put(a, "places", [
        {
            "name": name,
            "kind": kind,
            "how_known": rng.choice(["go_now", "went_before", "help_out", "told", "seen"]),
        }
        for name, kind in chosen
    ])  # fmt: skip
    _put(a, "gaps", _maybe(rng, 0.6, [
        "Somewhere to go on a Sunday", "Help with debts", "A dentist taking new people",
        "Anything for dads",
    ]))  # fmt: skip
    volunteer = rng.random() < 0.45
    _put(a, "volunteer", volunteer)
    if volunteer:
        _put(a, "interests", _ticks(rng, [
            "food", "sport", "outdoors", "making", "peer_support", "art_music", "animals",
        ]))  # fmt: skip
        _put(a, "good_at", _maybe(rng, 0.8, [
            "Fixing bikes", "Cooking for loads of people", "Talking to people who are struggling",
            "Painting and decorating",
        ]))  # fmt: skip
    return a


def _safety_plan(rng: random.Random) -> Answers:
    a: Answers = {}
    _put(a, "warning_signs", _maybe(rng, 0.85, [
        "I stop answering my phone and stay in bed",
        "Not sleeping, going over and over things",
        "When I start thinking everyone would be better off without me",
        "Drinking on my own in the day",
        "After a row with my ex",
    ]))  # fmt: skip
    _put(a, "coping", _maybe(rng, 0.8, [
        "Take the dog out", "Music in my headphones", "A hot shower and a brew", "Go to the gym",
    ]))  # fmt: skip
    _put(a, "distractions", _maybe(rng, 0.75, [
        "The café by the market", "My nan's house", "The park with my mate Dean", "Football",
    ]))  # fmt: skip
    if rng.random() < 0.1:
        _put(a, "help_people", None)
    else:
        _put(a, "help_people", [
            {"name": name, "how": _maybe(rng, 0.8, ["Text", "Call", "Go round", "Facebook"])}
            for name in rng.sample(_FIRST_NAMES, rng.randint(1, 3))
        ])  # fmt: skip
    _put(a, "workers", _maybe(rng, 0.6, [
        "My GP at the health centre", "The crisis team", "My key worker at the hostel",
    ]))  # fmt: skip
    _put(a, "make_safe", _maybe(rng, 0.5, [
        "Give my tablets to my sister to look after", "Keep no drink in the flat",
    ]))  # fmt: skip
    _put(a, "reason", _maybe(rng, 0.7, ["My kids", "My dog", "Getting my own place", "My mum"]))
    return a


_PARTS = {
    "home": (["Quiet, my own room", "Close to my mum"], ["Damp", "Noisy neighbours"]),
    "money": (["Paid the rent on time", "Using a budget app"], ["Debts", "Benefits delayed"]),
    "work": (
        ["Got shifts at the warehouse", "On a course"],
        ["No work", "Agency messing me about"],
    ),
    "people": (["Seeing my kids", "Back in touch with my sister"], ["Rows with my ex", "Lonely"]),
    "health": (["Off the drink", "Sleeping better"], ["My back", "Anxiety"]),
    "free_time": (["Gym", "Fishing"], ["Bored", "Too much time to think"]),
    "probation": (["My officer listens", "Appointments are quick"], ["Bus fare to get there"]),
}


def _working_not_working(rng: random.Random) -> Answers:
    a: Answers = {}
    if rng.random() < 0.08:
        _put(a, "parts", None)
        _put(a, "general_working", "Keeping busy")
        _put(a, "general_not", _maybe(rng, 0.8, ["Money", "Where I'm living"]))
    else:
        parts = rng.sample([*_PARTS, "other"], rng.randint(2, 3))
        _put(a, "parts", list(parts))
        for part in [p for p in [*_PARTS, "other"] if p in parts]:  # the script's order
            if part == "other":
                _put(a, "other_part", rng.choice(["My faith", "The dog"]))
                _put(a, "other_working", "It keeps me going")
                _put(a, "other_not", _maybe(rng, 0.5, ["Not much time for it"]))
                continue
            good, bad = _PARTS[part]
            _put(a, f"{part}_working", _maybe(rng, 0.85, good))
            _put(a, f"{part}_not", _maybe(rng, 0.85, bad))
    change = _maybe(rng, 0.8, [
        "Sort my debts out", "Find a quieter place", "Get more shifts", "See the kids more",
    ])  # fmt: skip
    _put(a, "change", change)
    if change is not None:
        _put(a, "who_helps", _maybe(rng, 0.8, ["Citizens Advice", "My officer", "My sister"]))
    return a


SAMPLES: dict[str, Callable[[random.Random], Answers]] = {
    "aspirations": _aspirations,
    "check_in": _check_in,
    "enabling_fund": _enabling_fund,
    "four_plus_one": _four_plus_one,
    "good_day_bad_day": _good_day_bad_day,
    "important_to_for": _important_to_for,
    "my_responsibilities": _my_responsibilities,
    "people_in_my_life": _people_in_my_life,
    "places_that_help": _places_that_help,
    "safety_plan": _safety_plan,
    "working_not_working": _working_not_working,
}
"""Made-up answers for each of the shipped tools. Skipped questions are in the answers as None."""

# How often each tool is done: the check-in most, the longer tools now and then.
TOOL_WEIGHTS: dict[str, int] = {
    "check_in": 40,
    "good_day_bad_day": 8,
    "aspirations": 6,
    "people_in_my_life": 6,
    "important_to_for": 6,
    "working_not_working": 7,
    "my_responsibilities": 8,
    "four_plus_one": 8,
    "places_that_help": 5,
    "enabling_fund": 6,
}


def sample_answers(tool: str, rng: random.Random | None = None) -> Answers:
    """Believable answers to `tool` (step id -> value as the engine keeps it)."""
    maker = SAMPLES.get(tool)
    if maker is None:
        raise UnknownStep(tool)
    return maker(rng or random.Random())


# ---- filling a database fast -------------------------------------------------------------

FIRST = (
    "Aaron", "Abdul", "Adele", "Aled", "Amir", "Becky", "Bethan", "Brandon", "Callum", "Carys",
    "Chantelle", "Connor", "Craig", "Daniel", "Darren", "Dylan", "Ellie", "Emma", "Ffion",
    "Gemma", "Hassan", "Ibrahim", "Jade", "Jamal", "Jason", "Jordan", "Kacper", "Kayleigh",
    "Kieran", "Leanne", "Lee", "Liam", "Marcus", "Mohammed", "Natalie", "Nathan", "Owain",
    "Paul", "Precious", "Reece", "Rhiannon", "Ryan", "Sadia", "Sam", "Sean", "Shannon",
    "Stacey", "Tariq", "Tomasz", "Tyler", "Wayne", "Zainab",
)  # fmt: skip
LAST = (
    "Ahmed", "Begum", "Bennett", "Brown", "Clarke", "Davies", "Edwards", "Evans", "Green",
    "Hall", "Hughes", "Hussain", "Jackson", "James", "Jones", "Khan", "Kowalski", "Lewis",
    "Morgan", "Murphy", "Nowak", "Okafor", "O'Neill", "Patel", "Powell", "Price", "Roberts",
    "Robinson", "Shah", "Smith", "Taylor", "Thomas", "Walker", "Ward", "White", "Williams",
    "Wilson", "Wright", "Young",
)  # fmt: skip
OFFICES = ("Probation office, Station Road", "Probation office, High Street", "The Hub, Mill Lane")
PLAN_ITEMS = (
    "Ring the college about the September course",
    "Bring ID to the next appointment for the bank account",
    "Go to the recovery café on Thursday",
    "Ask the council about the housing register",
    "Book a GP appointment about sleep",
    "Look at the CSCS course dates together",
    "Call Citizens Advice about the debt letters",
)
SAFEGUARDING_WORDS = (
    "some days I think everyone would be better off without me",
    "he said he'd hurt me if I told anyone",
    "I've not eaten in three days",
)
BATCH = 5_000


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


@dataclass
class Populated:
    """What `populate` made: the ids a benchmark or demo needs, and how much."""

    organisations: list[int] = field(default_factory=list)
    seniors: list[int] = field(default_factory=list)
    case_managers: list[int] = field(default_factory=list)
    people: list[int] = field(default_factory=list)
    caseloads: dict[int, list[int]] = field(default_factory=dict)
    conversations: int = 0
    answers: int = 0


class _Writer:
    """Rows collected per table and inserted in batches, with ids handed out here so answers
    can point at their conversation without reading anything back."""

    def __init__(self, conn: AsyncConnection, next_ids: dict[str, int]) -> None:
        self.conn = conn
        self.next_ids = next_ids
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.counts: dict[str, int] = {}

    def new_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    async def add(self, table: str, row: dict[str, Any]) -> None:
        rows = self.rows.setdefault(table, [])
        rows.append(row)
        if len(rows) >= BATCH:
            await self.flush()

    async def flush(self) -> None:
        """Everything collected so far, parents first (foreign keys are checked as rows go in)."""
        for name in sorted(self.rows, key=_PARENTS_FIRST.index):
            rows = self.rows[name]
            if rows:
                await self.conn.execute(insert(_table(name)), rows)
                self.counts[name] = self.counts.get(name, 0) + len(rows)
                self.rows[name] = []


async def _next_ids(conn: AsyncConnection, tables: Sequence[str]) -> dict[str, int]:
    found = {}
    for name in tables:
        table = _table(name)
        top = (await conn.execute(select(func.max(table.c.id)))).scalar()
        found[name] = int(top or 0) + 1
    return found


async def _fix_sequences(conn: AsyncConnection, tables: Sequence[str]) -> None:
    """Ids were given explicitly: PostgreSQL's sequences must carry on after them."""
    if conn.dialect.name != "postgresql":
        return
    for name in tables:
        await conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 (our names)
                f"GREATEST((SELECT max(id) FROM {name}), 1))"
            )
        )


_PARENTS_FIRST = [
    "organisation",
    "staff",
    "service_user",
    "conversation",
    "answer",
    "flag",
    "appointment",
    "plan_item",
    "person_seen",
]
# The tables whose ids `_Writer` hands out.
_TABLES = ("organisation", "staff", "service_user", "conversation")


class _History:
    """Conversations and answers for one person, from `sample_answers`, over time."""

    def __init__(
        self,
        writer: _Writer,
        scripts: dict[str, Script],
        versions: dict[str, int],
        rng: random.Random,
    ) -> None:
        self.w = writer
        self.scripts = scripts
        self.versions = versions
        self.rng = rng
        self.tools = list(TOOL_WEIGHTS)
        self.weights = list(TOOL_WEIGHTS.values())
        # Words shown for an answer depend only on the value: most values repeat, so keep them.
        self.shown: dict[tuple[str, str, str, str], str] = {}

    def _display(self, script: Script, step_id: str, value: AnswerValue, lang: str) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            key = (script.id, step_id, lang, value)
            found = self.shown.get(key)
            if found is None:
                kind = script.step(step_id).kind
                found = self.shown[key] = kind.show(value, lang) if kind else ""
            return found
        kind = script.step(step_id).kind
        return kind.show(value, lang) if kind else ""

    async def conversation(
        self,
        person_id: int,
        at: datetime,
        *,
        tool: str | None = None,
        status: str = "finished",
        sharing: str = "shared",
        reviewed_by: int | None = None,
        lang: str = "en",
    ) -> int:
        tool = tool or self.rng.choices(self.tools, self.weights)[0]
        script = self.scripts[tool]
        answers = sample_answers(tool, self.rng)
        finished = status == "finished"
        if not finished:  # stopped part way: the first few answers only
            answers = dict(list(answers.items())[: self.rng.randint(1, 3)])
        shared = finished and sharing == "shared"
        conv_id = self.w.new_id("conversation")
        version = self.versions[tool]
        await self.w.add(
            "conversation",
            {
                "id": conv_id,
                "service_user_id": person_id,
                "script_version_id": version,
                "script_id": tool,
                "step": (script.check_step or script.first_step) if finished else script.first_step,
                "state": {},
                "status": status,
                "sharing": sharing if finished else "undecided",
                "shared_at": at if shared else None,
                "started_at": at - timedelta(minutes=self.rng.randint(2, 40)),
                "updated_at": at,
                "finished_at": at if finished else None,
                "attention": script.attention_reasons(answers) if shared else [],
                "reviewed_at": at + timedelta(days=self.rng.randint(1, 6))
                if shared and reviewed_by
                else None,
                "reviewed_by": reviewed_by if shared else None,
                "sensitive": shared and self.rng.random() < 0.03,
            },
        )
        for step_id, value in answers.items():
            step = script.step(step_id)
            await self.w.add(
                "answer",
                {
                    "conversation_id": conv_id,
                    "service_user_id": person_id,
                    "script_version_id": version,
                    "step_id": step_id,
                    "question": script.text_of(step, answers, lang),
                    "value": value,
                    "display": self._display(script, step_id, value, lang),
                    "skipped": value is None,
                    "declined": False,
                    "update_id": None,
                    "answered_at": at,
                },
            )
        return len(answers)


async def _versions(db: Database, catalogue: Catalogue) -> dict[str, int]:
    async with db.transaction() as session:
        return {s.id: await catalogue.version_id(session, s) for s in catalogue.tools()}


async def populate(
    db: Database,
    catalogue: Catalogue,
    *,
    people: int,
    conversations_per_person: int,
    organisations: int = 3,
    caseload: int = 45,
    seed: int = 1,
    now: datetime | None = None,
    password_hash: str | None = None,
    org_prefix: str = "",
) -> Populated:
    """Fill `db` with a realistic service: `organisations` (the last a partner organisation),
    a senior in each, case managers with caseloads of about `caseload`, and `people` people
    with about `conversations_per_person` tools each over the past months (mostly shared and
    reviewed, the newest not yet), a few open safeguarding flags and requests for a call,
    appointments past and future, plan items sent and answered, and when each case manager last
    opened each page. Bulk inserts in batches: thousands of people and hundreds of thousands of
    answers take seconds. `password_hash` signs staff in (by email, see `Populated`)."""
    rng = random.Random(seed)
    now = now or utcnow()
    versions = await _versions(db, catalogue)
    scripts = {tool: script for tool in versions if (script := catalogue.get(tool))}
    done = Populated()
    async with db.engine.begin() as conn:
        writer = _Writer(conn, await _next_ids(conn, _TABLES))
        history = _History(writer, scripts, versions, rng)
        for o in range(organisations):
            partner = organisations > 1 and o == organisations - 1
            org_id = writer.new_id("organisation")
            name = f"Women's Centre {o + 1}" if partner else f"Probation {o + 1}"
            await writer.add(
                "organisation",
                {"id": org_id, "name": f"{org_prefix}{name}",
                 "kind": "partner" if partner else "probation",
                 "created_at": now - timedelta(days=400)},
            )  # fmt: skip
            done.organisations.append(org_id)
            senior = await _staff(writer, rng, now, org_id, "senior", org_prefix, password_hash)
            done.seniors.append(senior)
        org_of: dict[int, int] = {}
        # Just enough case managers, spread over the organisations: full caseloads.
        for n in range(max(1, -(-people // caseload))):
            org_id = done.organisations[n % organisations]
            staff_id = await _staff(
                writer, rng, now, org_id, "case_manager", org_prefix, password_hash
            )
            done.case_managers.append(staff_id)
            done.caseloads[staff_id] = []
            org_of[staff_id] = org_id
        for p in range(people):
            manager = done.case_managers[p % len(done.case_managers)]
            person_id, lang = await _person(writer, rng, now, org_of[manager], manager)
            done.people.append(person_id)
            done.caseloads[manager].append(person_id)
            await _life(
                writer, history, rng, now, person_id, manager, conversations_per_person, lang
            )
        await writer.flush()
        await _fix_sequences(conn, _TABLES)
    done.conversations = writer.counts.get("conversation", 0)
    done.answers = writer.counts.get("answer", 0)
    return done


async def _staff(
    writer: _Writer,
    rng: random.Random,
    now: datetime,
    org_id: int,
    role: str,
    prefix: str,
    password_hash: str | None,
) -> int:
    staff_id = writer.new_id("staff")
    await writer.add(
        "staff",
        {
            "id": staff_id,
            "organisation_id": org_id,
            "email": f"{prefix}{role}.{staff_id}@example.org".lower().replace(" ", ""),
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "role": role,
            "password_hash": password_hash,
            "must_change_password": False,
            "failed_sign_ins": 0,
            "active": True,
            "created_at": now - timedelta(days=300),
        },
    )
    return staff_id


async def _person(
    writer: _Writer, rng: random.Random, now: datetime, org_id: int, manager: int
) -> tuple[int, str]:
    person_id = writer.new_id("service_user")
    lang = "cy" if rng.random() < 0.05 else "en"
    joined = rng.random() < 0.88
    since = now - timedelta(days=rng.randint(20, 500))
    await writer.add(
        "service_user",
        {
            "id": person_id,
            "organisation_id": org_id,
            "case_manager_id": manager,
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "crn": f"{rng.choice('ABCDEFGHJKLMNPRSTVWX')}{person_id:06d}",
            "telegram_user_id": 9_000_000_000 + person_id if joined else None,
            "telegram_chat_id": 9_000_000_000 + person_id if joined else None,
            "language": lang,
            "timezone": "Europe/London",
            "linked_at": since + timedelta(days=1) if joined else None,
            "consented_at": since + timedelta(days=1) if joined else None,
            "created_at": since,
        },
    )
    return person_id, lang


async def _life(
    writer: _Writer,
    history: _History,
    rng: random.Random,
    now: datetime,
    person_id: int,
    manager: int,
    mean: int,
    lang: str = "en",
) -> None:
    """One person's months with Tandem."""
    joined_days = rng.randint(30, 270)
    count = rng.randint(max(0, mean // 2), mean + mean // 2)
    for n in range(count):
        age = timedelta(days=joined_days * (count - n) / max(count, 1), hours=rng.randint(0, 20))
        at = now - age
        recent = age < timedelta(days=10)
        sharing = "shared" if rng.random() < 0.85 else "private"
        await history.conversation(
            person_id,
            at,
            sharing=sharing,
            reviewed_by=None if recent and rng.random() < 0.7 else manager,
            lang=lang,
        )
    if rng.random() < 0.12:
        await history.conversation(
            person_id, now - timedelta(hours=rng.randint(1, 60)), status="paused", lang=lang
        )
    # Flags: a few open, more already dealt with.
    roll = rng.random()
    for kind, chance, open_ in (
        ("safeguarding", 0.04, True),
        ("callback", 0.06, True),
        ("safeguarding", 0.08, False),
        ("callback", 0.15, False),
    ):
        if roll < chance or rng.random() < chance / 3:
            raised = now - timedelta(days=rng.randint(0, 3) if open_ else rng.randint(10, 200))
            await writer.add(
                "flag",
                {
                    "service_user_id": person_id,
                    "kind": kind,
                    "category": "suicide_self_harm" if kind == "safeguarding" else None,
                    "categories": ["suicide_self_harm"] if kind == "safeguarding" else [],
                    "message": rng.choice(SAFEGUARDING_WORDS) if kind == "safeguarding" else None,
                    "created_at": raised,
                    "callback_requested_at": raised if kind == "callback" else None,
                    "resolved_at": None if open_ else raised + timedelta(hours=5),
                    "resolved_by": None if open_ else manager,
                    "resolution": None if open_ else "Rang them the same day. Safe and supported.",
                },
            )
    # Appointments every two to four weeks, and usually the next one booked.
    at = now - timedelta(days=rng.randint(60, 120))
    while at < now + timedelta(days=20):
        future = at > now
        if future and rng.random() < 0.12:
            break  # none booked yet
        await writer.add(
            "appointment",
            {
                "service_user_id": person_id,
                # Office hours, UK time (winter: UTC; close enough for made-up data).
                "at": at.replace(
                    hour=rng.randint(9, 15), minute=rng.choice((0, 30)), second=0, microsecond=0
                ),
                "kind": rng.choice(["in_person", "in_person", "in_person", "phone"]),
                "place": rng.choice(OFFICES),
                "created_by": manager,
                "created_at": at - timedelta(days=14),
                "cancelled_at": at - timedelta(days=2) if rng.random() < 0.05 else None,
            },
        )
        if future:
            break
        at += timedelta(days=rng.randint(14, 28), hours=rng.randint(-3, 3))
    for _ in range(rng.randint(0, 4)):
        sent = now - timedelta(days=rng.randint(1, 90))
        replied = rng.random() < 0.7
        await writer.add(
            "plan_item",
            {
                "service_user_id": person_id,
                "what": rng.choice(PLAN_ITEMS),
                "who": rng.choice(["Me", "Me and my officer", "My key worker"]),
                "sources": [],
                "status": "open",
                "revision": 1,
                "sent_at": sent,
                "sent_revision": 1,
                "response": rng.choice(["agree", "agree", "talk"]) if replied else None,
                "responded_at": sent + timedelta(hours=rng.randint(1, 72)) if replied else None,
                "created_by": manager,
                "created_at": sent,
                "updated_at": sent,
            },
        )
    if rng.random() < 0.8:
        await writer.add(
            "person_seen",
            {
                "staff_id": manager,
                "service_user_id": person_id,
                "seen_at": now - timedelta(days=rng.randint(1, 30)),
            },
        )


async def add_history(
    db: Database,
    catalogue: Catalogue,
    person_id: int,
    *,
    conversations: int,
    reviewed_by: int | None = None,
    seed: int = 2,
    now: datetime | None = None,
) -> int:
    """Give one person `conversations` more shared tools over the past year (a long history,
    for the person page's benchmark). Returns the number of answers written."""
    rng = random.Random(seed)
    now = now or utcnow()
    versions = await _versions(db, catalogue)
    scripts = {tool: script for tool in versions if (script := catalogue.get(tool))}
    written = 0
    async with db.engine.begin() as conn:
        writer = _Writer(conn, await _next_ids(conn, ("conversation",)))
        history = _History(writer, scripts, versions, rng)
        for n in range(conversations):
            at = now - timedelta(days=365 * (conversations - n) / conversations)
            written += await history.conversation(person_id, at, reviewed_by=reviewed_by)
        await writer.flush()
        await _fix_sequences(conn, ("conversation",))
    return written


async def add_caseload(
    db: Database,
    catalogue: Catalogue,
    *,
    organisation_id: int,
    case_manager_id: int,
    people: int,
    conversations_per_person: int = 6,
    seed: int = 3,
    now: datetime | None = None,
    crises: bool = True,
) -> list[int]:
    """Made-up people with months of history on an existing case manager's caseload (the demo's
    Sam Patel), some of them needing attention; with `crises` (and at least four people), the
    third and fourth have the flags of `add_crisis_flags`. Returns their ids."""
    rng = random.Random(seed)
    now = now or utcnow()
    versions = await _versions(db, catalogue)
    scripts = {tool: script for tool in versions if (script := catalogue.get(tool))}
    added: list[int] = []
    async with db.engine.begin() as conn:
        writer = _Writer(conn, await _next_ids(conn, _TABLES))
        history = _History(writer, scripts, versions, rng)
        for _ in range(people):
            person_id, lang = await _person(writer, rng, now, organisation_id, case_manager_id)
            added.append(person_id)
            await _life(
                writer, history, rng, now, person_id, case_manager_id,
                conversations_per_person, lang,
            )  # fmt: skip
        await writer.flush()
        await _fix_sequences(conn, _TABLES)
        if crises and len(added) >= 4:
            await add_crisis_flags(conn, ok_person=added[2], harmed_person=added[3], now=now)
    return added


async def add_crisis_flags(
    conn: AsyncConnection, *, ok_person: int, harmed_person: int, now: datetime
) -> None:
    """Two open flags that show what staff see of a crisis:

    - `ok_person` wrote something worrying three days ago, again soon after, then said they
      were OK; nobody has resolved it, so (once four office hours have passed) it has gone to
      the seniors;
    - `harmed_person` wrote that someone is hurting them an hour and a half ago, asked for a
      call, and said a call is only safe on weekday mornings when he is at work.

    The follow-up to the seniors is as Tandem sets it (bot/scheduling/escalation.py): four
    office hours, and a job for a flag whose time has not come yet.
    """
    flag, message, job = _table("flag"), _table("flag_message"), _table("due_job")
    raised = now - timedelta(days=3)
    later = raised + timedelta(minutes=9)
    examples = [
        (
            {
                "service_user_id": ok_person,
                "kind": "safeguarding",
                "category": "suicide_self_harm",
                "categories": ["suicide_self_harm"],
                "message": "whats the point anymore. i keep thinking about ending it",
                "created_at": raised,
                "last_message_at": later,
                "person_choice": "ok",
                "person_choice_at": later + timedelta(minutes=4),
            },
            [
                {
                    "service_user_id": ok_person,
                    "kind": "repeat",
                    "text": "everyone would be better off without me tbh",
                    "categories": ["suicide_self_harm"],
                    "created_at": later,
                },
                {
                    "service_user_id": ok_person,
                    "kind": "after",
                    "text": "sorry. bad night. my sister is coming round later",
                    "categories": [],
                    "created_at": later + timedelta(minutes=3),
                },
            ],
        ),
        (
            {
                "service_user_id": harmed_person,
                "kind": "safeguarding",
                "category": "being_harmed",
                "categories": ["being_harmed"],
                "message": "he hit me again last night and took my phone charger. "
                "im scared to go home",
                "created_at": now - timedelta(minutes=90),
                "last_message_at": now - timedelta(minutes=90),
                "person_choice": "call",
                "person_choice_at": now - timedelta(minutes=88),
                "callback_requested_at": now - timedelta(minutes=88),
                "contact": "times",
                "contact_times": "weekday mornings when he's at work",
            },
            [],
        ),
    ]
    for row, added in examples:
        raised_at = row["created_at"]
        assert isinstance(raised_at, datetime)
        escalate_at = OFFICE.add(raised_at, DEFAULT_HOURS)
        escalated = escalate_at <= now
        row = {
            **row,
            "escalate_at": escalate_at,
            "escalated_at": escalate_at if escalated else None,
        }
        flag_id = (await conn.execute(insert(flag).returning(flag.c.id), row)).scalar_one()
        for extra in added:
            await conn.execute(insert(message), {**extra, "flag_id": flag_id})
        if not escalated:
            await conn.execute(
                insert(job),
                {
                    "kind": ESCALATION,
                    "ref_id": flag_id,
                    "service_user_id": row["service_user_id"],
                    "due_at": escalate_at,
                    "attempts": 0,
                    "created_at": raised_at,
                },
            )
