"""What a question about money asks, read from the shape of the question (which parties it
names, which sides of an account it asks about, whether it asks a way or an end), where the
intent embeddings leave it between money readings.

Each rule reads a general capability of the money intents (a statement asked by both its
sides, a path asked between two named ends, the end of a shop's money asked by its end), not
the wording of any one question; the words they look for are the language's own, never the
case's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.agent.asking_words import BENEFICIARY_WORDS
from assistant.agent.understanding import Named, Reading, tagged_wallet
from assistant.agent.way_through import way_through

_WALLETS = ("tron", "btc", "eth")
_PARTIES = ("tron", "btc", "eth", "card", "card_mask", "iban", "phone", "person")

# The statement asked by its name: "выписка", "оборот", "statement", "ledger", "көшірме".
STATEMENT_NOUN = re.compile(
    r"выписк|\bоборот\w*|statement|\bledger|turnover|көшірме|үзінді|"
    r"движени\w+\s+(?:(?:денежных\s+)?(?:денег|средств)\s+)?по\s|истори\w+\s+(?:операц|транзакц|переводов|платеж)|"
    r"(?:transaction|transfer|payment)s?\s+history|history of (?:transactions|transfers|"
    r"payments)|операциялар\w* тарих", re.I)
# Money arriving at the account, and money leaving it, as a statement's two sides.
_IN_SIDE = re.compile(
    r"поступ|приход|входящ|зачисл|\bпришл|\bполучен|\bполучил|\binflows?\b|\bincoming\b|"
    r"\breceiv(?:e|ed|es)\b|\bcame in\b|\bin and out\b|түс(?:ті|кен|ім|етін)|кіріс|келген|"
    r"келді", re.I)
_OUT_SIDE = re.compile(
    r"списан|расход|исходящ|\bушл|\bуш[её]л|\bотправ|\bвывел|\bвывод|\bперев[её]л|"
    r"потратил|\boutflows?\b|\boutgoing\b|\bsent\b|\bspen[dt]\b|\bpaid out\b|\bin and out\b|"
    r"шық(?:ты|қан|ыс)|шығыс|\bкет(?:ті|кен)|жіберіл|жіберген|аударған|аударылған|"
    # "total in, total out", "in/out": the two sides by their totals.
    r"\b(?:total|sum|amount|money)\s+out\b|\bin\s*/\s*out\b", re.I)
# Where to, and where from: a question of the money's way, not of the account's two sides.
_WHERE_TO = re.compile(r"(?<![а-яё])куда\b|\bқайда\b|\bwhere\b[^?]{0,60}\b(?:go|goes|gone|"
                       r"went|end|ends|ended|land\w*|sit|sits|flow\w*|sen[dt])\b|"
                       r"\bкому\b|\bкім(?:дер)?ге\b", re.I)
_WHERE_FROM = re.compile(r"откуда|\bқайдан\b|\bwhere\b[^?]*\bfrom\b|\bfrom where\b|"
                         # The sources asked by which or whom: "from which shops", "from
                         # whom", "от каких кошельков", "от кого", "қай дүкендерден",
                         # "кімдерден".
                         r"\bfrom (?:which|what|whom)\b|(?<![а-яё])от (?:как\w+|кого|чьих|чьей)"
                         r"(?![а-яё])|\bқай\s+\w{2,30}?(?:дан|ден|тан|тен|нан|нен)\b|"
                         r"\bкім(?:дер)?ден\b|"
                         r"\bкто\b[^?]{0,30}(?:плат|перев|отправ|скид|кид)|\bwho\b[^?]{0,25}"
                         r"\b(?:paid|sent|funded|transferred)\b|кім(?:дер)?\b[^?]{0,25}"
                         r"(?:аудар|жібер|төле|сал)", re.I)
# The money's next step asked: "next hops of T…", "следующие получатели", "келесі қадамы",
# "кейінгі қадамдар", "дальнейшие переводы", "subsequent transfers".
_NEXT_HOPS = re.compile(r"\b(?:next|subsequent|following|further)\s+(?:hops?|steps?|recipients?|"
                        r"receivers?|transfers?)\b|\bonward\b|"
                        r"(?:следующ|дальнейш|последующ)\w*\s+(?:хоп\w*|шаг\w*|получател\w*|"
                        r"переход\w*|перевод\w*)|"
                        r"(?:келесі|кейінгі|әрі\s+қарайғы)\s+(?:қадам\w*|алушы\w*|аялдама\w*|"
                        r"аударым\w*)", re.I)
# What is left: asked beside where the money went ("сколько вывел и сколько осталось").
BALANCE_ASKED = re.compile(r"остат[оке]|осталось|остался|сальдо|баланс|\bbalance|\bleft\b|"
                           r"\bremain|қалды|қалдық|қалған|"
                           # What still sits there: "still sitting on", "лежит", "жатыр".
                           r"\bstill\s+(?:\w+\s+)?(?:sitting|sits|there|on|held|lying|parked)\b|"
                           r"\bsitting on\b|\bлеж(?:ит|ат|ало)\b|\bвисит\b|\bжатыр\b", re.I)
# The end of the money asked: "конечный получатель", "түпкі алушы", "where does it finally
# sit", "end recipients", "в конечном счёте".
_END_ASKED = re.compile(
    r"конечн\w*\s+(?:получател|бенефициар|точк|адресат|пункт)|в конечном (?:сч[её]те|итоге)|"
    r"\bоседа|\bосел[аио]?\b|\bосев|түпкі|соңында\s+(?:\w+\s+)?(?:кімде|қайда|кімге)|"
    r"\bend[- ](?:recipient|receiver|holder|point|destination|beneficiar)|выгодоприобретател|"
    r"пайда алушы|\bbeneficial owner|"
    r"\bultimate(?:ly)?\b|\b(?:finally|eventually|ultimately)\s+(?:\w+\s+)?(?:sit|sits|end|"
    r"ends|ended|land|lands|landed|rest|rests|settle|settles|stay|stays|go|goes|went)\b|"
    r"\bin the end\b|\bwho (?:finally|eventually|ultimately)\b|"
    # "who ends up with the money", "у кого в итоге деньги", "ақшасы кімде қалды ақырында".
    r"\bends?\s+up\s+(?:with|holding)\b|\bended\s+up\s+(?:with|holding)\b|"
    r"(?<![а-яё])(?:в итоге|в конце концов|по итогу)(?![а-яё])|\bақыр(?:ында|ы)\b|"
    r"\bтүбінде\b|\bкімде\s+(?:\w+\s+)?қал(?:ды|ған|ады)\b", re.I)
# The way asked between two ends: "путь", "каким путём", "цепочка", "через кого", "how did
# it get from A to B", "қалай жетті", "жолы".
_WAY_ASKED = re.compile(
    r"\bпуть\b|\bпути\b|\bпутём\b|цепочк|маршрут|через как|через кого|\bpath\b|\broute\b|"
    r"\bchain\b|\bthrough which\b|"
    # ("via which wallets"; not "paid X via crypto": how it was paid, not its way.)
    r"\bvia\s+(?:which|what|whom|whose|how many|intermediar\w*|hops?)\b|"
    r"\bжолы?\b|жолы|тізбек|кімдер арқылы|"
    r"қандай\s+(?:\w+\s+)?арқылы|\bhow did\b[^?]{0,60}\b(?:get|go|move|reach|travel|end up)|"
    r"\bкак(?:им образом)?\s+(?:\S+\s+){0,6}(?:дошл|попал|перешл|шл|ушл|попа)\w*|"
    r"\bқалай\s+(?:\S+\s+){0,3}(?:жетті|барды|түсті|келді|кетті|өтті)", re.I)
# The end asked for by its role: "до бенефициара", "to the beneficiary", "бенефициарға".
_TO_BENEFICIARY = re.compile(BENEFICIARY_WORDS + r"|конечн\w+ получател", re.I)
# Kazakh "кім(дер) … аударды/жіберді/төледі" after a party in the dative ("Вадимге",
# "шотына", "картаға"): who paid it.
_KK_WHO_SENT = re.compile(r"\bкім(?:дер)?\b[^?]{0,25}(?:аудар|жібер|төле|сал)", re.I)
# ("-на/-не" only after a possessive "-ы/-і": "шотына", not "Анна", "Марина".)
_KK_DATIVE = re.compile(r"(?:ға|ге|қа|ке|[ыі]на|[ыі]не)$", re.I)


def _dative(question: str, e: Named) -> bool:
    """Whether the entity is written in the Kazakh dative ("Вадимге", "шотына"): its last
    word, to the word's end (a name's span may stop before the ending; an identifier's
    ending follows it after a hyphen or the kind's word)."""
    rest = re.match(r"[-\w]*(?:\s+(?:шот|карта|әмиян|нөмір)\w*)?", question[e.end:])
    tail = question[e.start:e.end].split()[-1:] or [""]
    word = tail[0] + (rest.group(0) if rest else "")
    return bool(_KK_DATIVE.search(word.split()[-1] if word.split() else word))
_HOW_MUCH = re.compile(r"сколько|скока|\bhow much\b|қанша|сумм|сома", re.I)
# How two differ: "чем отличаются A и B", "what's the difference between", "айырмашылығы".
_DIFFERENCE = re.compile(r"отлича|различ|разниц|\bdiffer\w*|айырмашыл|айырмасы|ерекшел", re.I)
_COMPARED = re.compile(r"сравни|сравнен|compare|салыстыр|\bvs\.?\b|\bversus\b|"
                       r"side by side|each of|каждый из|әрқайсы|" + _DIFFERENCE.pattern, re.I)


_HOLDING_WORDS = {"счёт", "счет", "счета", "сч", "карта", "карты", "card", "account", "iban",
                  "шот", "шоты", "аккаунт", "acc", "kaspi", "halyk", "gold", "no", "номер",
                  "wallet", "кошелек", "кошелёк", "кошелька", "әмиян", "әмияны", "address",
                  "адрес", "казна", "казны", "treasury", "қазына", "қазынасы", "usdt"}
# The same words in any of their forms ("казначейский кошелёк", "казначейлік әмиянынан",
# "wallet's", "шотынан"): the stems of what holds money.
_HOLDING_STEMS = ("кошел", "әмиян", "казн", "қазына", "treasur", "wallet", "счет", "счёт",
                  "шот", "карт", "account", "адрес", "address", "мекенжай")


def _beside(question: str, a: Named, b: Named) -> bool:
    """Whether two entities are written next to each other with at most a word naming the
    account between ("Кузнецова П. (KZ…)", "Кузнецов П., счёт KZ…")."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    gap = question[first.end:second.start]
    # (An initial the name's span left out, "Кузнецов П.", is the name's own; a one-letter
    # word such as "к", "и", "a" is not an initial.)
    # (Nor is an English possessive's "s": "Green Planet's wallet".)
    initials = re.sub(r"(?<![^\W\d_])[^\W\d_a-zа-яё]\.|['’]s(?!\w)", " ", gap)
    words = re.findall(r"[^\W\d_]+", initials.casefold())
    return len(gap) <= 32 and all(w in _HOLDING_WORDS or w.startswith(_HOLDING_STEMS)
                                  for w in words)


def _set(reading: Reading, intent: str) -> None:
    """Read as `intent`, first of the readings (so not asked back between the others)."""
    reading.intent = intent
    reading.signals.add(intent)
    top = reading.alternatives[0][1] if reading.alternatives else 1.0
    reading.alternatives = [(intent, top), *[a for a in reading.alternatives if a[0] != intent]]


def _tagged_end(reading: Reading, question: str, tags: Iterable[tuple[str, str]]) -> None:
    """The other end of a way asked from one wallet to a wallet named by its attribution tag
    ("от T… до горячего кошелька биржи X"): that wallet, as a second end (in place)."""
    wallets = reading.of(*_WALLETS)
    if len(wallets) != 1 or len(reading.entities) != 1 or not _WAY_ASKED.search(question):
        return
    tagged = tagged_wallet(question, tags)
    if tagged is None or tagged.value == wallets[0].value or \
            tagged.start < wallets[0].end and wallets[0].start < tagged.end:
        return
    reading.entities = sorted([*reading.entities, tagged], key=lambda e: e.start)


def refine(reading: Reading, question: str, tags: Iterable[tuple[str, str]] = ()) -> None:
    """Settle the reading of a money question by its shape (in place); `tags`: the case's
    attribution tags (label, address), which may name an end."""
    _tagged_end(reading, question, tags)
    wallets = reading.of(*_WALLETS)
    parties = reading.of(*_PARTIES)
    shops = reading.of("shop", "bot")
    intent = reading.intent
    said_compared = "compare" in reading.signals or bool(_COMPARED.search(question))
    accounts = [e for e in parties if e.kind != "person"]
    people = [e for e in parties if e.kind == "person"]
    # A person named right beside an account is its holder ("выписка Иванова И. KZ…",
    # "Кузнецов П., счёт KZ…"): one end, not two.
    holders = [p for p in people if any(_beside(question, p, a) for a in accounts)]
    # So is a shop named beside a wallet ("Green Planet's wallet T…", "казна X (T…)").
    holders += [s for s in shops if any(_beside(question, s, a) for a in accounts)]
    ends = len(parties) + len(shops) - len(holders)
    if not said_compared and len(wallets) == 1 and len(parties) == 1 and shops and \
            not holders and _HOW_MUCH.search(question) and not _WAY_ASKED.search(question) \
            and not BALANCE_ASKED.search(question) and intent in (
                "compare", "forward", "backward", "shop_details", "identify", "statement"):
        # "T…: how much to shop X and how much to shop Y", "сколько T… отправил магазину X":
        # what passed between the wallet and each shop's wallets.
        _set(reading, "amount_between")
        return
    if said_compared and intent in ("path", "amount_between") and ends >= 2 and \
            _DIFFERENCE.search(question) and not _WAY_ASKED.search(question) and \
            not _HOW_MUCH.search(question):
        # "Чем отличаются адреса A и B?", "difference between A and B": each one's profile
        # side by side, not the money between them.
        _set(reading, "compare")
        return
    if said_compared or intent == "compare" and not _WAY_ASKED.search(question):
        # (Compared only by the examples, with the way between the two asked: "route from
        # A's account to B" is the way, read below.)
        return
    if intent == "statement" and "exchanges" in reading.signals and len(wallets) == 1 and \
            ends == 1 and not STATEMENT_NOUN.search(question):
        # "биржаға қанша шығарды, әмиянда қанша қалды": the exchanges, and what is left.
        _set(reading, "exchanges")
        intent = "exchanges"
    if intent in ("exchanges", "forward", "backward") and len(wallets) == 1 and ends == 1 and \
            BALANCE_ASKED.search(question):
        # "сколько вывел на биржу и сколько осталось": beside the exchanges, its balance.
        reading.signals.add("with_balance")
    one_account = (len(accounts) == 1 or not accounts and len(people) == 1) and ends == 1
    to, back = bool(_WHERE_TO.search(question)), bool(_WHERE_FROM.search(question))
    if one_account and intent in ("statement", "identify", "forward", "backward") and \
            STATEMENT_NOUN.search(question) and to != back and not (
                _IN_SIDE.search(question) and _OUT_SIDE.search(question)):
        # "У нас выписка по X. Куда он переводил деньги?": the statement is what the case
        # holds, the question is one side of it (whom he paid, or who paid him).
        _set(reading, "forward" if to else "backward")
        return
    if one_account and (intent in ("identify", "forward", "backward", "exchanges",
                                   "statement", "shop_details") or
                        intent in ("message", "search") and intent not in reading.signals) and (
            STATEMENT_NOUN.search(question) or
            _IN_SIDE.search(question) and _OUT_SIDE.search(question) and
            not _WHERE_TO.search(question) and not _WHERE_FROM.search(question)) and \
            not (intent == "exchanges" and "exchanges" in reading.signals):
        # "выписка по T…", "ledger of X: inflows and outgoing", "түскен сомасы, шыққан
        # сомасы": the account's statement, both its sides (what is left among its totals).
        _set(reading, "statement")
        reading.signals.discard("with_balance")
        return
    if ends == 2 and not shops and "amount_between" in reading.signals and \
            _HOW_MUCH.search(question) and not _WAY_ASKED.search(question) and \
            not BALANCE_ASKED.search(question) and intent in (
                "identify", "statement", "forward", "backward", "message", "search"):
        # "Сколько Оспанова перечислила Оспанову Руслану?", "Ахметов Нурлановқа қанша
        # жіберді?": two parties and a payment asked by its amount, what passed between them
        # (not who either one is, nor all either one paid).
        _set(reading, "amount_between")
        return
    if len(wallets) == 2 and len(parties) == 2 and intent in ("statement", "identify") and \
            not STATEMENT_NOUN.search(question) and _HOW_MUCH.search(question) and \
            not BALANCE_ASKED.search(question):
        # "сколько с казны A получил B", "A ақшасынан B қанша алды": what passed between the
        # two, not each one's totals (what is left on each is their totals: "A мен B
        # әмияндарында қанша қалды?").
        _set(reading, "amount_between")
        return
    # ("from A to B via C": the way, through C.)
    way = bool(_WAY_ASKED.search(question)) or way_through(question, wallets) is not None
    if ends >= 2 and way and (intent in (
            "forward", "backward", "amount_between", "identify", "statement", "shop_details",
            "exchanges", "compare") or
            intent in ("search", "message") and intent not in reading.signals):
        # "путь денег от кошелька магазина X до T…", "каким путём деньги со счёта A дошли до
        # B", "картадан Ли Вадимге қалай жетті": the way between the two ends.
        _set(reading, "path")
        return
    if len(wallets) == 1 and ends == 1 and \
            intent in ("identify", "statement", "backward", "forward") and \
            _NEXT_HOPS.search(question) and not back:
        # "next hops from T…", "следующие получатели T…": where its money went next.
        _set(reading, "forward")
        return
    if len(wallets) == 1 and ends == 1 and intent in ("forward", "beneficiaries") and \
            back and not to and not _WAY_ASKED.search(question):
        # "from which shops did the beneficiary T… get money", "T… кімдерден ақша алды",
        # "от каких кошельков пришло на T…": its sources, traced back.
        _set(reading, "backward")
        return
    if len(wallets) == 1 and ends == 1 and reading.unclear and (
            _TO_BENEFICIARY.search(question) or _WHERE_TO.search(question) or
            _END_ASKED.search(question)) and not _WHERE_FROM.search(question):
        # "как эти деньги с T… дошли до бенефициара", "кому в итоге дошли деньги с казны X
        # (T…)": on from the wallet, to its ends.
        _set(reading, "forward")
        return
    if (intent in ("shop_details", "shops", "identify", "forward", "overview", "statement",
                   "backward") or intent in ("search", "message") and
            intent not in reading.signals) and _END_ASKED.search(question) and not parties and \
            len(shops) <= 1:
        # "где в итоге оседают деньги магазина X", "X дүкенінің түпкі пайда алушылары",
        # "end recipients of the tenge": the ends of the money.
        _set(reading, "beneficiaries")
        return
    if intent == "shop_details" and len(shops) == 1 and not parties and \
            "shop_details" not in reading.signals and _OUT_SIDE.search(question) and \
            not _IN_SIDE.search(question):
        # "X's usdt wallet - outflows": where the shop's money went, not what it handed out.
        _set(reading, "forward")
        return
    if intent == "forward" and ends == 1 and _KK_WHO_SENT.search(question) and any(
            _dative(question, e) for e in parties):
        # "Ли Вадимге кімдер қанша аударды": who paid the one named (its dative), not whom
        # it paid.
        _set(reading, "backward")
        return
    if intent in ("backward", "amount_between") and ends == 1 and (_WHERE_TO.search(question) or
                                               _END_ASKED.search(question) or
                                               _TO_BENEFICIARY.search(question)) and \
            not _WHERE_FROM.search(question):
        # "куда направлены средства, поступившие на карту …", "конечные получатели средств,
        # поступивших на …": where the money went on (its arrival only says which money);
        # "X әмиянынан қаражат кімдерге жетті", "whom did the money of W reach": one end
        # named and the others asked, not what passed between two.
        _set(reading, "forward")
