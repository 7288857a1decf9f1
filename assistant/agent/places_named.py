"""A district, microdistrict or neighbourhood a question names beside its word ("Нұрсат
ауданындағы кладтар", "закладки в районе Нурсат", "stashes in the Nursat district", "мкр
Нурсат"): the place's name, to keep the texts naming it, in whatever script they write it."""

from __future__ import annotations

import re

from anyascii import anyascii

from tools.people import fold

_DISTRICT = r"(?:аудан\w*|район\w*|districts?|microdistrict\w*|мкр|микрорайон\w*|ықшам\s?аудан\w*)"
_NAME = r"([^\W\d_]{4,24})"
_BEFORE = re.compile(rf"(?<![\w-]){_NAME}\s+{_DISTRICT}(?!\w)", re.I)
# (After the word in Russian or English only: "в районе Нурсат", "district Nursat"; a Kazakh
# district word ends the name's phrase, "Нұрсат ауданындағы кладтар".)
_AFTER = re.compile(
    rf"(?<!\w)(?:район\w{{0,2}}|мкр|микрорайон\w{{0,2}}|district)\s+{_NAME}(?![\w-])", re.I)
# Words beside a district word that name none ("в каком районе", "which district", "қай аудан").
_NOT_NAMES = {"каком", "какие", "каких", "какой", "этом", "этот", "which", "what", "this", "that",
              "each", "every", "other", "same", "қандай", "басқа", "осы", "барлық", "в", "the"}
_STEM = 5
_STASH_WORD = re.compile(r"(?:клад|заклад|stash|тайник)", re.I)


def _ascii(text: str) -> str:
    return anyascii(fold(text)).casefold()


def district_names(question: str) -> list[str]:
    """The stems (first letters, in Latin letters) of the districts `question` names."""
    text = question[:400]
    names = [m.group(1) for rx in (_BEFORE, _AFTER) for m in rx.finditer(text)]
    return list(dict.fromkeys(_ascii(n)[:_STEM] for n in names
                              if n.casefold() not in _NOT_NAMES and not _STASH_WORD.match(n)))


def names_place(text: str, stems: list[str]) -> bool:
    """Whether `text` names one of the places whose `stems` `district_names` gave."""
    written = _ascii(text[:4000])
    return any(re.search(rf"(?<![a-z]){re.escape(s)}", written) for s in stems)
