"""Safeguarding: spot messages that may mean someone is at risk, in English and Welsh.

A pure package: it reads dialogues/safeguarding.yaml and nothing else; no Telegram, no database.

    rules = load_rules("dialogues/safeguarding.yaml")
    match = rules.check("im gonna kill myself")
    if match:
        match.category        # "suicide_self_harm" (the most urgent category that matched)
        match.categories      # every category that matched
        match.rule            # the phrase that fired: text, language, file and line
        rules.reply(match, "en")      # what the person is told first
    rules.trace("i used to cut but ive been clean 2 years")   # every phrase, and why it counted

`load_rules` also trains the learned tier (`learned.py`) from the labelled examples beside the
rules file (dialogues/safeguarding_examples.yaml): `check` then matches when a phrase does, or
when the tier is sure enough (`learned:` in the rules file); a learned match's rule has kind
"learned". `bot.safeguarding.evaluate` measures both against the examples (recall, precision,
leave-one-round-out).
"""

from ._yaml import Problem, SafeguardingError
from .normalise import normalise
from .rules import Category, Hit, Match, Rule, Rules, Trace, load_rules, parse_rules

__all__ = [
    "Category",
    "Hit",
    "Match",
    "Problem",
    "Rule",
    "Rules",
    "SafeguardingError",
    "Trace",
    "load_rules",
    "normalise",
    "parse_rules",
]
