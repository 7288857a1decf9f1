"""Words that speak of the asking itself (find, show, the chat, the message, is there), not
of what a message asked for says: they tell no message from another."""

from __future__ import annotations

import re

from tools.people import fold
from tools.search.text import KAZAKH_TO_RUSSIAN

# (Whole words, any ending; ru, kk, en.)
ASKING_WORD = re.compile(
    r"(?:переписк\w*|сообщени\w*|найд\w*|найти|покаж\w*|показ\w*|ищу|искать|есть|были?|было|"
    r"где|какие|какой|какая|каких|котор\w*|чат\w*|канал\w*|групп\w*|упомина\w*|упомян\w*|"
    r"писал\w*|написа\w*|пишут|wr[io]te|written|writes?|жазд\w*|жазған\w*|жазып|"
    r"message\w*|chats?|channels?|groups?|find|show|where|which|what|there|mention\w*|"
    r"хабарлама\w*|көрсет\w*|тауып|табу|қайда|қандай|бар|айтыл\w*|"
    # (A district or town beside its name says nothing the name does not.)
    r"район\w*|аудан\w*|district\w*|город\w*|қала\w*|city|town)", re.I)
# "Where are X mentioned", "упоминания X", "X қай жерде айтылады": every message of it, not
# one.
MENTIONS_ASKED = re.compile(r"(?<![\w])(?:упомина\w*|упомян\w*|mention\w*|айтыл\w*|"
                            r"аталып\w*|аталған\w*|сөз бол\w*)(?![\w])", re.I)


def telling_words(words: list[str]) -> list[str]:
    """`words` without those that speak of the asking."""
    return [w for w in words if not ASKING_WORD.fullmatch(w)]


def plain_letters(text: str) -> str:
    """`text` folded (`tools.people.fold`) with its Kazakh letters as Russian ones ("Тұран"
    is "Туран")."""
    return fold(text).translate(KAZAKH_TO_RUSSIAN)


# An order's code as a shop writes it ("CH-1102", "SQ-4471", "заказ №42168"): what a message
# of that order quotes.
ORDER_CODE = re.compile(r"(?<![\w.])[A-ZА-Я]{1,4}[-‑]\d{3,}(?![\w])|"
                        r"(?:заказ\w*|order|тапсырыс\w*)\s*(?:№|#|no\.?)?\s*\d{3,}(?![\d])", re.I)


# A question about what the goods cost ("почём", "сколько стоит", "price of", "бағасы қанша"):
# answered from offers with their prices, not from payment details.
# "How much is/are" asks a price only of goods or a weight ("how much is a gram of mephedrone",
# "how much are 2 g"), not of a shop's turnover or a wallet's total.
_GOODS_AFTER = (r"(?=\s+(?:(?:a|an|one|the|\d+(?:[.,]\d+)?)\s*)?(?:grams?|gr?|kg|pieces?|packs?|"
                r"bags?|doses?|balls?|stash(?:es)?|goods|products?|mephedrone|meph|mef|meth|"
                r"cocaine|coke|weed|hash|hashish|cannabis|marijuana|amphetamine|speed|salt|"
                r"alpha|pvp|heroin|lsd|mdma|ecstasy)\b)")
PRICE_ASKED = re.compile(r"\bцен(?:а|ы|у|е|ой|ами|ах|ам)?\b|\bценник|\bрасценк|прайс|стоимост|"
                         r"сколько\s+(?:сейчас\s+)?сто[иья]|поч[её]м|\bprice|\bpriced\b|"
                         r"\bcosts?\b|how much (?:for|does|do)\b|"
                         rf"how much (?:is|are)\b{_GOODS_AFTER}|"
                         r"\bper gram\b|"
                         r"за грамм\b|грамы\b|бағас|бағалар|баға\s+тізім|\bқұны|қанша\s+тұрады|"
                         r"неше\s+тұрады", re.I)
# The beneficiary asked by its role ("бенефициар", "выгодоприобретатель", "түпкі алушы",
# "пайда алушы", "beneficiary"), also as investigators shorten it ("бенефы", "бенефов",
# "benefs"): one spelling list for every reader of it.
BENEFICIARY_WORDS = (r"бенефициар|бенеф(?:ы|ов|ам|ами|ах|а|у|ом|тер\w*|ке|тің)?(?![\w])|beneficiar|"
                     r"\bbenefs?\b|выгодоприобретател|түпкі алушы|пайда алушы")
BENEFICIARY_ASKED = re.compile(BENEFICIARY_WORDS, re.I)


# A message asked for by what it claims ("anything saying …", "a post claiming …", "где
# написано, что …", "… деп жазылған"): a clause follows ("что", "будто", "деп"); "в каком
# сообщении написано номер карты" asks for a message holding a card, not a claim.
CLAIM_WORDS = (r"\bsaying\b|\bclaiming\b|\bthat (?:says|said|claims?)\b|"
               r"(?:сказано|написано|говорится|утверждается)\s{0,3},?\s{0,3}(?:что|будто)\b|"
               r"(?<!не )деп\s+(?:жаз|айт)")
CLAIM_ASKED = re.compile(CLAIM_WORDS, re.I)


# Posts and ads asked for ("посты про альфа пвп", "каналдардағы жарнамалар", "ads in the
# channels"): what the channels posted (their listings), not a bot's menu in a buyer's chat.
POSTS_ASKED = re.compile(r"(?<!\w)(?:пост(?:ы|ов|ах|ам)?|посттар\w*|пости?нг\w*|posts|"
                         r"posting\w*|ads|adverts?|advertisements?|реклам\w*|объявлени\w*|"
                         r"жарнама\w*|хабарландыру\w*|в каналах|каналах|channels|"
                         r"каналдар\w*|арналар\w*)(?!\w)", re.I)
