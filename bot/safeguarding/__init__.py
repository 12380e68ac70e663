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

`bot.safeguarding.evaluate` measures the rules against the labelled corpus in
tests/safeguarding/corpus.yaml (recall and precision).
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
