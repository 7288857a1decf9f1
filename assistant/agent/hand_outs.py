"""Which of a shop's hand-outs a question means by what their messages say: "реквизиты для
опта", "the card for wholesale orders", "көтерме үшін": the hand-outs whose message says the
word the question adds, when some do and others do not."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from tools.people import fold

T = TypeVar("T")

# Words of paying and of payment details (any kind, any language) that every hand-out may or
# may not happen to write: they tell no hand-out from another.
_PAYING = re.compile(
    r"^(?:реквизит|карт|card|кошел|wallet|әмиян|счет|счёт|шот|account|iban|телефон|phone|"
    r"номер|nomer|оплат|плат|pay|төле|перев|transfer|аудар|сумм|amount|сома|деньг|money|"
    r"ақша|выда|дава|дал|gave|give|hand|бер|магаз|shop|дүкен|бот|bot|какие|какой|which|what|"
    r"қандай|қай|usdt|tron|trc|крипт|crypto|kaspi|каспи|halyk|халык)", re.I)
# Words any question or message may write (when, all, this, a day): they tell nothing either.
_COMMON = re.compile(
    r"^(?:был|было|были|этот|эта|это|того|тот|день|дня|дней|время|когда|где|куда|все|всех|"
    r"только|сколько|тоже|ещё|еще|него|неё|нему|каждый|через|после|перед|before|after|when|"
    r"where|that|this|with|from|have|were|they|them|their|only|also|every|each|much|many|"
    r"time|days?|which|барлық|қашан|қайда|оның|бұл|осы|күн|уақыт|кейін|дейін)$", re.I)
_SHORT = {"для", "при", "как", "что", "его", "она", "они", "the", "and", "for", "its", "who",
          "мен", "пен", "бен", "үшін", "және", "кім", "оны"}
_WORD = re.compile(r"[^\W\d_]{3,}")


def _stem(word: str) -> str:
    """Its first four letters, fewer for a short word with its ending ("оптом", "опта": "опт")."""
    folded = fold(word)
    return folded[:min(4, max(3, len(folded) - 2))]


def said_of(question: str, handed: Sequence[T], text_of: Callable[[T], str],
            names: Sequence[str] = ()) -> list[T]:
    """The hand-outs whose message writes a word of the question (its first four letters, in
    any ending: "опт" is "опта", "оптом") that not every hand-out's message writes; all of
    them when none does. A word of paying, of a payment detail, or of a name in `names` (the
    shop's) tells none apart."""
    named = {_stem(w) for n in names for w in _WORD.findall(n)}
    stems = {_stem(w) for w in _WORD.findall(question[:400])
             if not _PAYING.match(w) and not _COMMON.match(w) and fold(w) not in _SHORT
             and _stem(w) not in named}
    if not stems or len(handed) < 2:
        return list(handed)
    words = [{_stem(w) for w in _WORD.findall(text_of(h)[:2000])} for h in handed]

    def writes(s: str, ws: set[str]) -> bool:
        return any(w.startswith(s) or s.startswith(w) and len(w) >= 3 for w in ws)

    telling = {s for s in stems if any(writes(s, ws) for ws in words) and
               not all(writes(s, ws) for ws in words)}
    kept = [h for h, ws in zip(handed, words, strict=True) if any(writes(s, ws) for s in telling)]
    return kept or list(handed)
