"""Payment details asked of the case's shops together, no shop named: "which crypto wallets did
the bots give out", "russian cards used by the shops", "реквизиты по всем магазинам с разбивкой
по типам", "боттар қандай карталар берді", "какие реквизиты дал бот 14.01.2025" — what every
shop handed out (of the kinds named), not a search of the messages for the words."""

from __future__ import annotations

import re

from assistant.agent.conversation import kinds_named
from assistant.agent.pay_asked import pay_details_asked

# The shops or their bots as a group: a plural, or "all/every/each" before the word.
_SHOPS_TOGETHER = re.compile(
    r"(?<!\w)(?:shops|stores|bots|магазин(?:ы|ов|ам|ами|ах)|бот(?:ы|ов|ам|ами|ах)|"
    r"дүкендер\w*|боттар\w*|(?:all|every|each|все\w*|кажд\w*|барлық|әр)\s+(?:the\s+)?"
    r"(?:shop|store|bot|магазин\w*|бот\w*|дүкен\w*))(?!\w)", re.I)
# One bot not named ("дал бот 14.01", "the bot gave on 5 March"): any of the shops' bots, when
# a day or month narrows what was handed out.
_A_BOT = re.compile(r"(?<!\w)(?:бот|бота|боты|the bot|bot|боттың|бот\w{0,3})(?!\w)", re.I)
# Handed out, given, sent to be paid on, used (to take payment).
_HANDED_OUT = re.compile(
    r"\bhand(?:s|ed|ing)?\b(?:\s+\w+){0,2}?\s+out|\bgave\b|\bgive[ns]?\b|\bgiving\b|\bissued\b|"
    r"\bused?\b|\buses\b|\bshared\b|\bprovided\b|\baccept\w*|"
    r"выда\w*|давал\w*|(?<!пере)дал[иа]?\b|присыла\w*|присл\w*|использова\w*|принима\w*|"
    r"берген\w*|берді\w*|береді\w*|беретін\w*|қолдан\w*|пайдалан\w*|қабылда\w*|жіберген\w*",
    re.I)
_WHAT = re.compile(r"(?<!\w)(?:what|что|чего|нені|нелер\w*)(?!\w)", re.I)
# Kazakh "не" (what) is Russian "не" (not): it asks what only in a Kazakh question.
_KAZAKH_WHAT = re.compile(r"(?<!\w)не(?!\w)", re.I)
_KAZAKH_LETTERS = re.compile(r"[әіңғүұқөһ]", re.I)
# Handing out said outright, what a bare "what did the bots …" needs ("what language do the
# bots use" asks of no payment detail).
_GAVE = re.compile(r"\bhand(?:s|ed|ing)?\b(?:\s+\w+){0,2}?\s+out|\bgave\b|\bgive[ns]?\b|"
                   r"\bissued\b|выда\w*|давал\w*|(?<!пере)дал[иа]?\b|берген\w*|берді\w*|"
                   r"береді\w*|беретін\w*", re.I)
# The buyers' own cards or wallets ("which cards did the buyer use to pay the shops?"), unless
# the shops gave them to buyers.
_BUYERS = re.compile(r"\bbuyers?\b|\bcustomers?\b|\bclients?\b|покупател\w*|клиент\w*|"
                     r"сатып\s+алуш\w*|тұтынушы\w*", re.I)
# Counts asked ("сколько магазинов, сколько карт выдавалось", "how many cards did the shops
# give"): the case's counts (its overview), not each hand-out listed.
_COUNTED = re.compile(r"(?<!\w)(?:сколько|скольк\w*|how\s+many|number\s+of|қанша|неше)(?!\w)",
                      re.I)
# Where the money went, not what was handed out ("which wallets did the shops send money to").
_MONEY_WAY = re.compile(
    r"бенефиц\w*|beneficiar\w*|treasur\w*|казн\w*|қазына\w*|exchange\w*|бирж\w*|"
    r"\bsen[dt]\s+(?:\w+\s+){0,2}?to\b|ушл[аио]\b|ушли\b|кетті|аударды|\bflow\w*|\bwent\b", re.I)


def asked_of_all_shops(question: str, dated: bool = False) -> bool:
    """Whether `question`, naming no shop, asks what the case's shops (or bots) handed out to
    be paid on; `dated`: it names a day or month (then "the bot" alone means any shop's)."""
    q = question[:600]
    together = bool(_SHOPS_TOGETHER.search(q)) or dated and bool(_A_BOT.search(q))
    if not together or _MONEY_WAY.search(q) or _COUNTED.search(q) or \
            _BUYERS.search(q) and not _GAVE.search(q):  # (what the shops gave buyers is theirs)
        return False
    handed = bool(_HANDED_OUT.search(q))
    what = bool(_WHAT.search(q)) or bool(_KAZAKH_LETTERS.search(q) and _KAZAKH_WHAT.search(q))
    # "what did the bots hand out": a hand-out is a payment detail, its kind not said.
    asked = bool(kinds_named(q)) or pay_details_asked(q) or what and bool(_GAVE.search(q))
    return asked and (handed or pay_details_asked(q))
