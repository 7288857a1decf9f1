"""A shop a question names that the case's vocabulary does not know ("Молния дүкені", "магазин
«Молния»", "the Molniya shop"): a name to search the records for, not a question back about
which of the case's shops is meant."""

from __future__ import annotations

import re

from tools.search.text import analyse

# One shop: a word in the plural ("Сколько магазинов", "how many shops", "дүкендер") names none.
_SHOP_WORD = r"(?:магазин(?:а|у|ом|е)?|шоп(?:а|у|ом|е)?|shop|store|дүкен(?!дер)\w*)"
_NAME = r"[«\"“]?([A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w-]{2,30})[»\"”]?"
# The name before the shop word ("Молния дүкені", "the Molniya shop") or after it ("магазин
# Молния", "shop «Lightning»").
_NAMED_SHOP = (re.compile(rf"(?<![\w«\"“]){_NAME}\s+{_SHOP_WORD}(?!\w)"),
               re.compile(rf"(?<!\w){_SHOP_WORD}\s+{_NAME}(?![\w])"))
# A name quoted anywhere in a question about shops ('Is "Pizza Express KZ" one of the drug
# shops?', "«Пицца Экспресс» — это магазин наркотиков?"): the name as quoted.
_QUOTED_NAME = re.compile(r"[«\"“]([A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w .&'-]{1,38}?)[»\"”]")
_SHOPS_WORD = re.compile(r"(?<!\w)(?:магазин\w*|шоп\w*|shops?|stores?|дүкен\w*)(?!\w)", re.I)
# Words that may open a question capitalised before the shop word and name none ("Какой
# магазин", "Қай дүкен", "Which shop").
_NOT_NAMES = {
    "какой", "какие", "каком", "какого", "какая", "который", "которые", "этот", "эти", "тот",
    "этого", "того", "все", "каждый", "любой", "другой", "другие", "один", "чей", "найди",
    "покажи", "есть", "был", "были", "какому", "этому", "этом", "данный", "наш", "мой",
    "қай", "қандай", "бұл", "осы", "сол", "мына", "әр", "барлық", "басқа", "бір", "кімнің",
    "which", "what", "this", "that", "the", "any", "each", "every", "all", "another", "other",
    "one", "whose", "show", "find", "list", "our", "same", "drug", "online",
    # Question and quantity words that open a question capitalised.
    "сколько", "где", "кто", "как", "когда", "куда", "откуда", "почему", "зачем", "чем", "каким",
    "несколько", "много", "қанша", "неше", "қайда", "кім", "қашан", "неге", "how", "where",
    "who", "when", "why", "many", "several",
    # Asking verbs that open a question capitalised ("Назови магазин, который…", "Name the shop").
    "назови", "перечисли", "расскажи", "опиши", "подскажи", "скажи", "name", "tell", "describe",
    "атаңыз", "ата", "көрсет", "көрсетіңіз", "айт", "айтыңыз",
}
# Platforms a shop works on ("Telegram shops", "магазин в Телеграме", "Instagram дүкені"): where,
# not which.
_PLATFORMS = re.compile(r"(?:telegram|телеграм|телега|instagram|инстаграм|whatsapp|ватсап|"
                        r"vk|вк|вконтакт|darknet|даркнет|tor|internet|интернет|онлайн)",
                        re.I)


def _names_no_shop(name: str) -> bool:
    """A word opening a question, a platform, a city or a drug ("магазин Алматы", "Мефедрон
    дүкені", "Telegram shop"): where or what a shop sells, never its name."""
    folded = name.casefold()
    if folded in _NOT_NAMES or _PLATFORMS.match(folded):
        return True
    found = analyse(name)
    return bool(found.of("cities") or found.of("drugs"))


def unknown_shop_name(question: str, known: set[str]) -> str | None:
    """The name of a shop `question` names that is none of `known` (the case's shop names and
    bots, case-folded), or None."""
    text = question[:400]
    # Each way apart: "Где магазин Молния" is no shop "Где", and still the shop "Молния".
    for m in (m for pattern in _NAMED_SHOP for m in pattern.finditer(text)):
        name = m.group(1)
        folded = name.casefold()
        if _names_no_shop(name) or any(folded[:5] in k for k in known):
            continue
        return name
    if _SHOPS_WORD.search(text):
        for m in _QUOTED_NAME.finditer(text):
            name = m.group(1).strip()
            folded = name.casefold()
            if not _names_no_shop(name.split()[0]) and not any(folded[:5] in k for k in known):
                return name
    return None
