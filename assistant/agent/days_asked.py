"""The days a question narrows a statement to, however written: one day ("27.02.2025", "3
қыркүйекте", "on March 5"), a span of days ("15-20 Sept", "с 15 по 20 сентября", "from 15 to
20 September", "15–20 қыркүйек аралығында", "15.09–20.09", "between Sept 15 and Sept 20") or
two days ("15 и 20 сентября", "on 15 and 20 September": not the days between)."""

from __future__ import annotations

import re

from assistant.agent.translit import MONTH_NAMES

_MONTH_OF = {stem: i + 1 for i, names in enumerate(MONTH_NAMES) for stem in names}
_WORD = r"[^\W\d_]{3,}"
_DASH = r"\s*(?:-|–|—|\.\.)\s*"
# A word joining a span's two days: "с 15 по 20", "from 15 to 20", "15-нен 20-на дейін",
# "between 15 and 20", "15 бен 20 аралығында".
_JOIN = (rf"(?:{_DASH}|\s+(?:по|до|to|till|until|through|and|и|және|и\s+по)\s+|"
         r"(?:-?(?:нен|ден|тен|шы|ші))?\s+(?:бастап\s+)?|\s*(?:мен|бен|пен)\s+)")
_SPANS = (
    # "15-20 Sept", "с 15 по 20 сентября", "15–20 қыркүйек", "from 15 to 20 September"
    re.compile(rf"(?<![\d.])(\d{{1,2}}){_JOIN}(\d{{1,2}})(?:-?(?:го|е|ші|шы|ына|іне|на|не|ға|ге|қа|ке))?"
               rf"(?:\s+дейін)?\s+({_WORD})", re.I),
    # "Sept 15-20", "September 15 to 20"
    re.compile(rf"({_WORD})\s+(\d{{1,2}})(?:st|nd|rd|th)?{_JOIN}(\d{{1,2}})(?:st|nd|rd|th)?"
               r"(?![\d.])", re.I),
    # "15.09–20.09", "15.09.2025 - 20.09.2025", "с 15.09 по 20.09"
    re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})(?:\.\d{2,4})?"
               rf"{_JOIN}(\d{{1,2}})\.(\d{{1,2}})(?:\.\d{{2,4}})?(?![\d.])", re.I),
)


def _month(word: str) -> int:
    """The month `word` names: a stem and its case ending ("июня", "сентября"); a three-letter
    Latin abbreviation only as itself ("Mar", not "market")."""
    word = word.casefold().rstrip(".")
    return next((n for stem, n in _MONTH_OF.items()
                 if word == stem or word.startswith(stem) and (
                     len(stem) > 3 or not stem.isascii() and len(word) - len(stem) <= 2)), 0)


# "and" joins the ends of a span only after a word of between ("between 15 and 20", "15 бен
# 20 аралығында"); otherwise it joins two days.
_AND = re.compile(r"(?<!\w)(?:and|и|және|мен|бен|пен)(?!\w)", re.I)
_BETWEEN = re.compile(r"(?<!\w)(?:between|между|аралығ\w*|в промежутке)(?!\w)", re.I)

MonthDay = tuple[int, int]
Span = tuple[MonthDay, MonthDay]


def _valid(*days: tuple[int, int]) -> bool:
    return all(1 <= m <= 12 and 1 <= d <= 31 for m, d in days)


def days_asked(question: str) -> tuple[Span, ...]:
    """The spans of days (first and last (month, day), the earlier first) `question` names
    (its first 600 characters): one span, or two days each as a span of one; none if it names
    no span nor two days."""
    q = question[:600]
    between = bool(_BETWEEN.search(q))
    for i, pattern in enumerate(_SPANS):
        for m in pattern.finditer(q):
            if i == 0:
                month = _month(m.group(3))
                first, last = (month, int(m.group(1))), (month, int(m.group(2)))
                joined = q[m.end(1):m.start(2)]
            elif i == 1:
                month = _month(m.group(1))
                first, last = (month, int(m.group(2))), (month, int(m.group(3)))
                joined = q[m.end(2):m.start(3)]
            else:
                first = (int(m.group(2)), int(m.group(1)))
                last = (int(m.group(4)), int(m.group(3)))
                joined = q[m.end(2):m.start(3)]
            if _valid(first, last) and first < last:
                if _AND.search(joined) and not between:
                    return (first, first), (last, last)
                return ((first, last),)
    return ()


def in_days(day: str, spans: tuple[Span, ...]) -> bool:
    """Whether a row's day ("2025-09-19 09:15") falls within one of `spans`, ends included."""
    if not re.match(r"\d{4}-\d{2}-\d{2}", day):
        return False
    month_day = (int(day[5:7]), int(day[8:10]))
    return any(first <= month_day <= last for first, last in spans)
