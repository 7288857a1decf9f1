"""Asking back which one: a question about one thing of a kind the case holds several of,
without saying which — "the dropper" (of several statements), "the Halyk statement" (of two
Halyk ones), "the 12 000 tenge payment" (of three such payments). Answering one reading would
answer a question the analyst did not ask; the question back names the candidates.

Nothing here calls a tool: the candidates come from the case's vocabulary (its statements and
the payments of one sum, read by `understanding.case_vocabulary`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from assistant.agent.card_bank import BANK_WORDS, banks_named, card_bank
from assistant.agent.translit import MONTH_NAMES
from assistant.agent.understanding import Reading, Vocabulary

# At most this many candidates named in a question back (more: the first ones, then "…").
MOST_NAMED = 6

# One dropper or one statement, in the singular ("дропа", "the dropper's", "дропқа",
# "выписку", "statement", "үзіндісін"); plurals and "all" ask about every one of them.
_ONE_STATEMENT = re.compile(
    r"(?<![\w-])(?:дроп(?:а|у|ом|е)?|дроп-сч[её]т(?:а|у|ом|е)?|dropper(?:'s)?|drop account|mule|"
    r"дроп(?:тың|қа|тан|ты|ының|ына|ынан|ыңыз)|"
    r"выписк(?:а|у|е|ой)|statement|үзінді(?:сі|сін|сін|сіне|ден|ні)?|"
    r"көшірме(?:сі|сін|ні)?)(?![\w'-])", re.I)
_SEVERAL_STATEMENTS = re.compile(
    r"(?<![\w-])(?:дроп(?:ы|ов|ам|ами|ах)|дроп-сч[её]т(?:ов|ам|ами|ах)|droppers|mules|"
    # A dropper's word before a plural of accounts: "dropper accounts", "дроп шоттарынан".
    r"(?:dropper|drop|mule|дроп)\s+(?:accounts|statements|cards|шоттар\w*|карталар\w*|"
    r"үзінділер\w*|сч[её]т(?:а|ов|ам|ами|ах)|карт(?:ы|ам|ами|ах)?|выписк(?:и|ам|ами|ах))|"
    r"дроптар\w*|выписк(?:и|ам|ами|ах)|"
    r"выписок|statements|үзінділер\w*|all|все|всех|всем|кажд\w*|each|every|барлық\w*|"
    r"әр|both|оба|обе|екеу\w*|три|трёх|трех|three|үш)(?![\w])", re.I)
# Which dropper or statement asked ("қай дропқа төледі?", "какому дропу платил?", "which
# dropper did he pay?"): the answer names them, no question back.
_WHICH_ONE_ASKED = re.compile(
    r"(?<![\w-])(?:қай|қайсы\w*|қандай|which|what|как(?:ой|ого|ому|ом|им|ую|ая)|"
    r"котор(?:ый|ого|ому|ом|ым|ую|ая))\s+(?:\w+\s+)?(?:дроп|dropper|mule|выписк|statement|"
    r"үзінді|сч[её]т|account|шот)", re.I)
# Readings that ask no money of a person ("who is X?", "X's messages").
_NOT_MONEY = ("identify", "message", "search", "shops", "shop_details", "overview",
              "out_of_case", "compare")
# Money reaching someone ("получил", "received", "алды", "түсті", "пришло").
_RECEIVED = re.compile(r"(?<!\w)(?:получ\w*|пришл\w*|поступ\w*|receiv\w*|got|came|алды|алған|"
                       r"түс(?:ті|кен)\w*|келд\w*|кімдерден|кімнен|от кого)(?!\w)", re.I)
# An account, card, wallet or statement said beside a person ("со своего счёта", "шотынан",
# "from her card"): which of theirs.
_ACCOUNT_SAID = re.compile(r"(?<!\w)(?:сч[её]т\w*|карт\w*|кошел\w*|шот\w*|әмиян\w*|выписк\w*|"
                           r"statements?|ledger|үзінді\w*|көшірме\w*|"
                           # A counterparty by its role ("P2P сатушыға", "на биржу").
                           r"p2p|otc|бирж\w*|exchange\w*|продав\w*|сатушы\w*|sellers?|"
                           r"accounts?|cards?|wallets?|iban|тенге|теңге|tenge|usdt|крипт\w*|"
                           r"crypto)(?!\w)", re.I)
# One card or one wallet, in the singular ("the wallet", "номер карты", "әмиянына").
_ONE_DETAIL = {
    "card": re.compile(r"(?<![\w-])(?:карт(?:а|у|ы|е|ой)|карта(?:сы\w*|ға|да|дан|ның)|"
                       r"card(?:'s)?)(?![\w'-])", re.I),
    "wallet": re.compile(r"(?<![\w-])(?:кош[её]л[её]к|кошельк(?:а|у|ом|е)|"
                         r"әмиян(?:ы\w*|ға|да|нан|ның)?|wallet(?:'s)?)(?![\w'-])", re.I)}
_DETAIL_KINDS = {"card": ("card",), "wallet": ("tron", "btc", "eth")}
# A detail of another kind beside it ("an IBAN instead of a card"): no one card asked.
_OTHER_DETAIL = re.compile(r"(?<!\w)(?:iban|сч[её]т\w*|шот\w*|accounts?|phones?|телефон\w*)(?!\w)",
                           re.I)
# A sum asked ("сколько", "how much", "қанша").
_AMOUNT_ASKED = re.compile(r"(?<!\w)(?:сколько|how much|қанша|сумм\w*|сома\w*|total)(?!\w)", re.I)
# Which one asked, or one told by its digits ("какую карту дал", "қай картаға", "which card",
# "the card ending 7835"): the answer tells them apart.
_WHICH_DETAIL = re.compile(r"(?<!\w)(?:(?:как(?:ую|ой|ие|ая)|котор\w+|қай|қандай|which|what)\s+"
                           r"(?:\w+\s+)?(?:карт\w*|cards?|кош[её]л\w*|wallets?|әмиян\w*)|"
                           r"ending|оканчива\w*|аяқталат\w*)(?!\w)|\d{4}", re.I)
# A detail's number asked ("номер карты", "card number", "картаның нөмірі").
_NUMBER_ASKED = re.compile(r"(?<!\w)(?:номер\w*|numbers?|нөмір\w*)(?!\w)", re.I)
# All of a kind asked, or another than one said: no question back about which one.
_EVERY_ONE = re.compile(r"(?<!\w)(?:все|всех|всем|кажд\w*|all|each|every|барлық\w*|әр|list|"
                        r"списо?к\w*|тізім\w*|how many|какие|каких|both|оба|обе|екеу\w*|"
                        r"other|другие|другой|басқа\w*|new|новая|новую|жаңа)(?!\w)", re.I)
# Readings about the case's texts, not one of its details.
_TEXTS = ("search", "message", "overview", "shops", "out_of_case")
# Readings about the case's texts or the case at large, not one account's money.
_NOT_ONE_ACCOUNT = ("out_of_case",)
# Ads looking for droppers ("дроп іздейтін хабарландыру", "вербовка дропа") and messages about
# one: the texts, not an account.
_ADS = re.compile(r"(?<!\w)(?:объявлен\w*|вакан\w*|вербов\w*|ищ(?:ут|ет)\w*|recruit\w*|ads?|"
                  r"adverts?|хабарланд\w*|жарнама\w*|ізде\w*|пост\w*|posts?|сообщени\w*|"
                  r"messages?|хабарлама\w*|чат\w*|chats?|переписк\w*)(?!\w)",
                  re.I)
# A payment spoken of by its sum alone: "кто платил 8000 тенге?", "the 60000 transfer",
# "12 000 теңге аударымы", "60 мың", "18к"; not a number after "№", "#" or a dash (an order's
# number, "SQ-4471").
_SUM = re.compile(r"(?<![\w.,№#-])(\d{1,3}(?:[  ]\d{3})+|\d{1,9})(?:[.,](\d{1,2}))?"
                  r"(?:\s?(к|k|тыс(?:яч\w*|\.)?|мың|мын|thousand))?(?![\d\w.,]|[.,]\d)", re.I)
# A number given after "№" or "#" ("заказ № 90274"): no sum.
_NUMBERED = re.compile(r"[№#]\s*\d+")
_PAYMENT_WORDS = re.compile(
    r"(?<!\w)(?:плат\w*|заплат\w*|оплат\w*|перев\w*|отправ\w*|получ\w*|"
    r"поступ\w*|пришл\w*|ушл\w*|кину\w*|скину\w*|payments?|paid|pay|transfers?|transferred|"
    r"sent|send|got|received|receive|came|went|төле\w*|төлем\w*|аудар\w*|жібер\w*|түс\w*|"
    # An order by its sum ("что с заказом на 18 000?"): the payment for it.
    r"алды|алған|кетт\w*|келд\w*|заказ\w*|orders?|тапсырыс\w*)(?!\w)", re.I)
# What narrows a payment down: a day, a month, a year.
_WHEN = re.compile(
    r"\d{1,2}[./-]\d{1,2}|\d{4}-\d{2}|(?<!\d)(?:19|20)\d{2}(?!\d)|(?<!\w)(?:"
    + "|".join(name for names in MONTH_NAMES for name in names)
    + r"|вчера|сегодня|yesterday|today|кеше|бүгін)", re.I)
_MESSAGE_ASKED = re.compile(r"(?<!\w)(?:сообщени\w*|message\w*|хабарлама\w*|пост\w*|post\w*|"
                            r"сұра\w*|проси\w*|asked|asking)(?!\w)", re.I)


def statement_choices(question: str, reading: Reading, vocabulary: Vocabulary | None
                      ) -> list[str]:
    """The statements a question about one dropper or one statement may mean, when it names
    none of them and the case (or the bank it names) holds several: each as its holder, bank
    and account; [] when it says which, asks about them all, or the case holds one."""
    fitting = statements_meant(question, reading, vocabulary)
    holders = vocabulary.statement_holders if vocabulary else {}
    return [_statement_label(a, holders.get(a, ("", ""))) for a in fitting] \
        if len(fitting) > 1 else []


def statements_meant(question: str, reading: Reading, vocabulary: Vocabulary | None
                     ) -> list[str]:
    """The accounts of the case's statements a question about one dropper or one statement
    (naming no account and no holder) may mean: all of them, or those of the bank it names
    ("the Halyk statement": the one Halyk statement, when the case holds one); [] when it
    says which or asks about them all."""
    if vocabulary is None or not vocabulary.statements:
        return []
    if reading.of("iban", "card", "card_mask", "phone", "iin", "tron", "btc", "eth", "shop",
                  "bot") or reading.invalid:
        return []
    q = question[:2_000]
    if reading.intent in _NOT_ONE_ACCOUNT or _ADS.search(q) or \
            not _ONE_STATEMENT.search(q) or _SEVERAL_STATEMENTS.search(q) or \
            _WHICH_ONE_ASKED.search(q):
        return []
    holders = vocabulary.statement_holders
    named = {e.label or e.value for e in reading.of("person")}
    if any(_same_person(n, holders.get(a, ("", ""))[0]) for n in named
           for a in vocabulary.statements):
        return []  # "выписка Сеитовой": hers
    banks = banks_named(q)
    return [a for a in vocabulary.statements
            if not banks or any(b in holders.get(a, ("", ""))[1].casefold() for b in banks)]


def _same_person(name: str, holder: str) -> bool:
    a, b = name.casefold().split(), holder.casefold().split()
    return bool(a and b) and a[0][:5] == b[0][:5]


def _statement_label(account: str, holder: tuple[str, str]) -> str:
    # Its holder and bank, else its account shortened: a number or an identifier written
    # whole in a question back is a claim it cannot cite.
    name, bank = holder
    return (f"«{name}» ({bank})" if bank else f"«{name}»") if name else shortened(account)


def shortened(identifier: str) -> str:
    """An account or address by its first and last characters ("KZ45…4235")."""
    return f"{identifier[:4]}…{identifier[-4:]}" if len(identifier) > 12 else identifier


def payment_choices(question: str, reading: Reading, vocabulary: Vocabulary | None
                    ) -> list[str]:
    """The payments of the one sum a question names as "the payment of N" with nothing else
    to tell which ("кто платил 8000 тенге?", "trace the 12 000 tenge payment"), when the case
    holds several of that sum: each as its payer and payee; [] otherwise."""
    if vocabulary is None or vocabulary.payments_of is None or reading.entities or \
            reading.invalid:
        return []
    q = _NUMBERED.sub(" ", question[:2_000])
    if not _PAYMENT_WORDS.search(q) or _WHEN.search(q) or _MESSAGE_ASKED.search(q):
        return []
    sums = {s for m in _SUM.finditer(q) if (s := _sum_of(m)) is not None and s >= 100}
    if len(sums) != 1:
        return []
    found = vocabulary.payments_of(next(iter(sums)))
    return found if len(found) > 1 else []


def person_choices(question: str, reading: Reading, vocabulary: Vocabulary | None
                   ) -> tuple[str, list[str]] | None:
    """The accounts the one person a money question names alone may mean, when the statements
    write that name beside several accounts (a dropper's own and the one they paid other
    droppers from as a buyer, or two people of one name) and the question names no account,
    bank, statement nor other party ("сколько перевела Есенова М.?", "Кузнецов қанша
    аударды?"): the person and those accounts shortened; None otherwise."""
    if vocabulary is None or vocabulary.accounts_of is None or reading.invalid:
        return None
    people = reading.of("person")
    if len(people) != 1 or len(reading.entities) != 1 or reading.signals & set(_NOT_MONEY):
        return None
    q = question[:2_000]
    if not _PAYMENT_WORDS.search(q) or _ONE_STATEMENT.search(q) or \
            _SEVERAL_STATEMENTS.search(q) or _ACCOUNT_SAID.search(q) or banks_named(q):
        return None
    name = people[0].label or people[0].value
    # Of the side the question gives them: the payee's accounts when money reached them
    # ("кто платил Тулегенову?", "how much did X receive?"), else the payer's.
    paid_to = "backward" in reading.signals and "forward" not in reading.signals or \
        bool(_RECEIVED.search(q))
    accounts = vocabulary.accounts_of(name, "payee" if paid_to else "payer")
    if len(accounts) < 2:
        return None
    holders = vocabulary.statement_holders
    return name, [shortened(a) + (f" ({holders[a][1]})" if holders.get(a, ("", ""))[1] else "")
                  for a in accounts]


def detail_choices(question: str, reading: Reading, vocabulary: Vocabulary | None
                   ) -> list[str]:
    """The cards or wallets the shops handed out that a question about "the card" or "the
    wallet" of the one shop or the bank it names may mean, when they are several ("how much
    came into the X wallet?" of a shop that handed out two, "the Halyk card number" of a case
    holding two Halyk cards): each shortened; [] when it names one, asks about them all, or
    there is one."""
    if vocabulary is None or vocabulary.handed_out_of is None or reading.invalid:
        return []
    named = {e.label or e.value for e in reading.of("shop", "bot")}
    if len(reading.of("shop", "bot")) != len(reading.entities) or len(named) > 1 or \
            reading.signals & set(_TEXTS):
        return []
    # (A shop's chats, its channel and its bot's chat, each hand out under the shop's name.)
    shops = [sid for sid, names in vocabulary.shops.items() if names and names[0] in named]
    q = question[:2_000]
    banks = banks_named(q)
    kinds = [kind for kind, rx in _ONE_DETAIL.items() if rx.search(q)]
    if len(kinds) != 1 or _EVERY_ONE.search(q) or _ADS.search(q) or _WHICH_DETAIL.search(q) or \
            _OTHER_DETAIL.search(q):
        return []
    if shops and not (_AMOUNT_ASKED.search(q) and not _WHEN.search(q)) or \
            not shops and not (banks and _NUMBER_ASKED.search(q)):
        # Of a shop, a sum asked of its one wallet ("how much came into the X wallet?": where
        # its money went, or which card it gave when, lists them all); of no shop, the number
        # of the bank's one card ("what's the Halyk card number?"; "Халык карты кто
        # выдавал?" asks of them all).
        return []
    found = vocabulary.handed_out_of(shops or None, _DETAIL_KINDS[kinds[0]])
    if banks:
        # Of the bank its first digits name, else the bank the message handing it out names.
        found = [(f, said) for f, said in found
                 if any(BANK_WORDS[b].search(card_bank(f) or said) for b in banks)]
    return [shortened(f) for f, _ in found] if len(found) > 1 else []


def _sum_of(m: re.Match[str]) -> Decimal | None:
    whole = re.sub(r"\D", "", m.group(1))
    try:
        value = Decimal(f"{whole}.{m.group(2)}" if m.group(2) else whole)
    except InvalidOperation:
        return None
    if m.group(3):
        value *= 1000
    elif value < 100:
        return None  # "2 payments": a count
    if 1990 <= value <= 2100 and not m.group(2):
        return None  # a year
    return value


def listed(choices: list[str]) -> str:
    """The candidates as the question back names them."""
    shown = ", ".join(choices[:MOST_NAMED])
    return shown + (", …" if len(choices) > MOST_NAMED else "")
