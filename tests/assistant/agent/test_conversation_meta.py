"""A conversation's meta questions: what a question points at without naming it (asked
back, naming the readings), a follow-up counting or pointing into the previous turn, an
identifier the case does not hold, and questions about the world outside the case."""

import re

import pytest

from assistant.agent.conversation import Turn, listed_pick
from assistant.agent.core import ask
from assistant.agent.offline import (
    _holder_in,
    _unnamed_referent,
)
from assistant.agent.tools import AgentContext
from tests.utils.blind_eval import language_of
from tools.overview import case_overview
from tools.trace import load_case_graph

A = "TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr"
B = "TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH"


@pytest.mark.parametrize("question, what", [
    ("сколько перевели?", "account"),
    ("how much was sent?", "account"),
    ("кому переводили?", "account"),
    ("қанша аударды?", "account"),
    ("оның картасы қандай?", "account"),
    ("what did she receive?", "account"),
    ("а что по второй карте?", "account"),
    ("the third wallet, where did it send?", "account"),
    ("бұл дүкеннің реквизиттері қандай?", "shop"),
    ("what did that shop hand out?", "shop"),
    ("какие реквизиты давал этот магазин", "shop"),
    # About the case as a whole, or a pronoun with its noun before it: nothing unnamed.
    ("list the shops and their bots", None),
    ("какие магазины и их реквизиты", None),
    ("сколько всего перевели дропы?", None),
    ("what is this case about?", None),
    ("who is the second beneficiary?", None),
])
def test_what_a_question_points_at_without_naming_it(question, what):
    assert _unnamed_referent(question) == what


def test_the_nth_of_a_question_naming_several_is_the_nth_it_named():
    answer = (f"Что известно о {A}:\n- [1] крупнейшее поступление — от "
              f"TAyy4ms92BfMra6V4ALoTs4BT7D9vHqsfK: 1 USDT\n"
              f"- [2] крупнейший перевод — на TVaiPLccmzJjYVPNjLwbvGGKcrWLydodro: 1 USDT\n"
              f"Что известно о {B}:")
    asked = f"сравни кошельки {A} и {B}"
    turn = Turn.of(asked, answer)
    assert listed_pick("а у второго сколько осталось?", turn) == [B]
    assert listed_pick("and the first one?", turn) == [A]


@pytest.mark.parametrize("question, nth", [("how much was paid into the earlier one?", 0),
                                           ("and the latter?", 1),
                                           ("а последний из них?", 1)])
def test_the_earlier_and_the_latter_of_two_listed(question, nth):
    listed = ["TPayYcLXwdzYCD6PLCF4iQv2zLbsMBy3Zz", "TEKnPTji5ZNptMTvk1weU4TD7EXKDhdVRC"]
    answer = "Payment details:\n" + "\n".join(
        f"- [{i}] wallet {w}, handed out 2025-02-0{i}" for i, w in enumerate(listed, 1))
    assert listed_pick(question, Turn.of("which wallets did the shop give?", answer)) == \
        [listed[nth]]


@pytest.fixture(scope="module")
def ctx(small_demo, small_demo_index):
    truth, store, _ = small_demo
    return truth, AgentContext(case="demo", store=store, search=small_demo_index)


@pytest.mark.parametrize("question", ["сколько перевели?", "how much was sent?",
                                      "а что по второй карте?", "оның картасы қандай?",
                                      "what did she receive?"])
def test_a_first_question_about_something_unnamed_is_asked_back(ctx, question):
    _, context = ctx
    a = ask(question, context)
    assert not a.steps and a.answer.rstrip().endswith("?"), a.answer


@pytest.mark.parametrize("question", ["бұл дүкеннің реквизиттері қандай?",
                                      "what are the details of that shop?"])
def test_a_shop_pointed_at_with_none_before_is_asked_back_naming_the_shops(ctx, question):
    truth, context = ctx
    a = ask(question, context)
    assert not a.steps and a.answer.rstrip().endswith("?")
    assert all(s.name in a.answer for s in truth.shops)


def test_an_absent_wallet_is_said_absent_not_asked_which_way(ctx):
    _, context = ctx
    absent = "TFRHzxGxWfqL2TPT9V8X6KM1WY6swHiMCY"  # valid, in no demo evidence
    for question in (f"trace wallet {absent}", absent):
        a = ask(question, context)
        assert a.steps and not a.answer.rstrip().endswith("?"), a.answer
        assert absent in a.answer


def test_an_absent_card_asked_alone_is_looked_up(ctx):
    _, context = ctx
    card = "4400430212345679"  # valid (Luhn), in no demo evidence
    a = ask(card, context)
    assert a.steps and any(w in a.answer for w in ("not appear", "не встречается", "нет"))


@pytest.mark.parametrize("question", [
    "Какая в целом ответственность по УК РК за сбыт наркотиков?",
    "what's today's USD to KZT exchange rate?",
    "what is the penalty under the criminal code for selling drugs?",
])
def test_law_and_todays_rates_are_outside_the_case(ctx, question):
    _, context = ctx
    a = ask(question, context)
    assert not a.steps and not a.citations and not a.answer.rstrip().endswith("?")


def _beneficiaries(context):
    o = case_overview(context.store, "demo", load_case_graph(context.store, "demo"), top=5)
    ends = [b.address for b in o.beneficiaries if b.reason == "beneficiary"]
    assert len(ends) >= 2, "the demo case has two beneficiaries or more"
    return ends


def test_the_other_beneficiary_is_the_one_not_asked_about(ctx):
    _, context = ctx
    ends = _beneficiaries(context)
    for asked, other in ((ends[0], ends[1]), (ends[1], ends[0])):
        question = f"Which exchange did {asked} cash out to, and how much?"
        first = ask(question, context)
        for follow in ("and the other beneficiary?", "а второй бенефициар?"):
            a = ask(follow, context, history=[(question, first.answer)])
            assert a.verified, a.flags
            assert any(other in s for s in a.steps), (follow, a.steps)
            assert not any(asked in s for s in a.steps if s.startswith("trace_wallet"))


def test_the_second_beneficiary_after_a_path_to_the_first_is_the_other(ctx):
    truth, context = ctx
    ends = _beneficiaries(context)
    treasury = truth.shops[0].treasury
    question = f"сколько USDT из {treasury} дошло до {ends[1]}?"
    first = ask(question, context)
    a = ask("а до второго бенефициара?", context, history=[(question, first.answer)])
    assert any(s.startswith("money_path") and ends[0] in s for s in a.steps), a.steps


def _sums(text: str) -> list[str]:
    return re.findall(r"\d[\d ]*\.\d\d", text)


def _dropper(truth):
    return next(d for d in truth.droppers if d.iban and d.statement and d.country == "KZ")


def test_that_sender_is_the_payer_the_previous_answer_listed(ctx):
    truth, context = ctx
    dropper = _dropper(truth)
    question = f"Who sent money to the account {dropper.iban}?"
    first = ask(question, context)
    payer = Turn.of("", first.answer).counterparty()
    assert payer and payer != dropper.iban, first.answer
    a = ask("and where did that sender get most of his money from?", context,
            history=[(question, first.answer)])
    assert payer in a.answer.splitlines()[0] and dropper.iban not in a.answer.splitlines()[0]


@pytest.mark.parametrize("follow", ["how much did he send to {account}?",
                                    "сколько он перевёл на {account}?"])
def test_he_is_the_holder_the_previous_answer_named(ctx, follow):
    truth, context = ctx
    dropper = _dropper(truth)
    sent = ask(f"кому переводил деньги {dropper.iban}?", context)
    account = Turn.of("", sent.answer).counterparty()
    assert account, sent.answer
    question = f"who is behind card {dropper.card}"
    first = ask(question, context)
    holder = _holder_in(first.answer)
    assert holder, first.answer
    a = ask(follow.format(account=account), context, history=[(question, first.answer)])
    direct = ask(f"how much did {holder} send to {account}?", context)
    # What passed between the holder and that account, as the question naming both says.
    assert a.verified and _sums(a.answer) == _sums(direct.answer), (a.answer, direct.answer)
    assert any(s.startswith("find_person") for s in a.steps), a.steps


@pytest.mark.parametrize("follow", ["when was that?", "а это когда было?", "бұл қашан болды?"])
def test_a_follow_up_pointing_back_is_not_refused(ctx, follow):
    truth, context = ctx
    wallet = truth.shops[0].payment_wallets[0]
    question = f"куда ушли деньги с {wallet}?"
    first = ask(question, context)
    a = ask(follow, context, history=[(question, first.answer)])
    assert a.steps and wallet in " ".join(a.steps), a.answer


@pytest.mark.parametrize("question, several", [
    ("show the transfers of Ospanov", True),
    ("Оспанов куда переводил?", True),
    ("выписка Оспановой", False),
    ("Оспанов Руслан кому платил?", False),
    ("what did Ospanova receive?", False),
])
def test_a_surname_of_two_people_of_the_case_is_asked_back(question, several):
    from assistant.agent.offline import OfflineChatModel
    from assistant.agent.understanding import Vocabulary

    people = ["Оспанов Руслан Асқарұлы", "Оспанова Динара Асқарқызы", "Ли Вадим Сергеевич"]
    model = OfflineChatModel(vocabulary=Vocabulary(people=people))
    found = model._surname_of_several(model.read(question), question)
    assert found == (people[:2] if several else []), found


@pytest.mark.parametrize("question, spelled", [
    ("kto popolnyal koshelek TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ",
     "кто пополнял кошелёк TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ"),
    # A word no example question uses stays as typed; the question is Russian all the same.
    ("kakoi ostatok po schetu KZ14722S890317137311", "какой ostatok по счёту KZ14722S890317137311"),
    ("chya karta 4400430188765538?", "чья карта 4400430188765538?"),
    ("who funded TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr?", None),
    ("show me the cards of the shop", None),
])
def test_russian_typed_in_latin_letters_is_read_as_russian(question, spelled):
    from assistant.agent.translit import latin_russian

    assert latin_russian(question) == spelled


def test_a_translit_question_is_answered_in_russian(ctx):
    truth, context = ctx
    wallet = truth.shops[0].payment_wallets[0]
    a = ask(f"kuda ushli dengi s {wallet}", context)
    assert a.steps and a.steps[0].startswith("trace_wallet") and "forward" in a.steps[0]
    assert language_of(a.answer) == "ru"


@pytest.mark.parametrize("question, lang", [
    ("Жасыл Орман №42168 тапсырыс хабарламасы", "kk"),
    ('was there a "ненаход" complaint?', "en"),
])
def test_the_language_of_a_question_with_few_words_of_its_own(question, lang):
    from assistant.agent.understanding import language

    assert language(question) == lang


def test_a_quoted_word_in_another_script_stays_inside_the_echoed_question(ctx):
    _, context = ctx
    a = ask('any messages about "закладка" in the chats?', context)
    assert language_of(a.answer) == "en", a.answer


CARDS = """Реквизиты, которые выдавал магазин «Мефистофель»:
- [1] карта 4400 4314 8396 0303, выдан 2025-01-06, сумма 44 000.00 ₸
- [2] карта 4400 4336 6258 5174, выдан 2025-01-18, сумма 36 000.00 ₸
- [3] карта 4276 3868 5878 3105, выдан 2025-02-11, сумма 22 000.00 ₸
- [4] карта 4276 3868 5878 3105, выдан 2025-02-23, сумма 25 000.00 ₸"""


@pytest.mark.parametrize("question, card", [
    ("а вторая чья?", "4400433662585174"),
    ("who owns the first one?", "4400431483960303"),
    ("екіншісі кімдікі?", "4400433662585174"),
    ("а по третьей что?", "4276386858783105"),
])
def test_an_ordinal_after_a_list_of_cards_is_that_card(question, card):
    assert listed_pick(question, Turn.of("какие карты выдавал магазин?", CARDS)) == [card]


def test_an_ordinal_after_a_list_of_shops_is_that_shop(ctx):
    truth, context = ctx
    first = "which shops are in the case?"
    a = ask(first, context)
    names = [s.name for s in truth.shops]
    order = sorted(names, key=lambda n: a.answer.index(n))
    b = ask("what cards did the second one hand out?", context, history=[(first, a.answer)])
    assert b.steps == [s for s in b.steps if order[1] in s] and b.steps, b.steps


@pytest.mark.parametrize("first, then", [
    ("how much came into {iban} in February?", "and in January?"),
    ("сколько пришло на {iban} в феврале?", "а в январе?"),
])
def test_a_connective_follow_up_is_about_the_account_before(ctx, first, then):
    truth, context = ctx
    iban = _dropper(truth).iban
    question = first.format(iban=iban)
    a = ask(question, context)
    b = ask(then, context, history=[(question, a.answer)])
    assert b.steps and iban in b.steps[0].replace(" ", ""), b.answer


def test_a_follow_up_of_no_direction_keeps_the_previous_one(ctx):
    truth, context = ctx
    wallet = truth.shops[0].payment_wallets[0]
    question = f"where did the money from {wallet} go?"
    a = ask(question, context)
    b = ask("how much did he pay in total?", context, history=[(question, a.answer)])
    assert b.steps and "forward" in b.steps[0] and wallet in b.steps[0], b.answer


@pytest.mark.parametrize("question", ["what about the card?", "check the wallet",
                                      "сколько на кошельке?", "who owns the card"])
def test_one_thing_spoken_of_as_known_is_asked_back(ctx, question):
    _, context = ctx
    a = ask(question, context)
    assert not a.steps and a.answer.rstrip().endswith("?"), a.answer


@pytest.mark.parametrize("question, intent", [
    ("ол кімге ақша аударды? 4405633608377835", "forward"),
    ("TYhZTB72iZEniKGjzKqcBQsiLQr47miEMi әмиянынан қаражат кімдерге жіберілді?", "forward"),
    ("KZ607229397298063513 шотынан кімге ақша аударылды?", "forward"),
    ("4405633608377835 картасы кімге тиесілі?", "identify"),
])
def test_to_whom_money_went_is_not_whose_it_is(question, intent):
    from assistant.agent.understanding import read_question

    assert read_question(question).intent == intent


def test_her_phone_after_her_account_is_the_phone_the_answer_named(ctx):
    truth, context = ctx
    for d in [d for d in truth.droppers if d.iban and d.phone]:
        question = f"Who is the holder of {d.iban}?"
        first = ask(question, context)
        if d.phone not in first.answer.replace(" ", ""):
            continue
        a = ask("and her phone number?", context, history=[(question, first.answer)])
        assert a.steps and a.steps[0].startswith("lookup_account: phone"), a.steps
        return
    pytest.fail("no account answer of the demo case names its phone")


@pytest.mark.parametrize("question, lang", [
    ("ИИН 82110642500 чей?", "ru"),
    ("check phone +7 707 475 77 1", "en"),
    ("кошелек TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsG есть в деле?", "ru"),
    ("IBAN KZ60 7229 3972 9806 351 кімдікі?", "kk"),
])
def test_an_identifier_of_the_wrong_length_is_said_invalid_in_the_question_s_language(
        ctx, question, lang):
    from tests.utils.blind_eval import _INVALID

    _, context = ctx
    a = ask(question, context)
    assert not a.steps and _INVALID.search(a.answer) and language_of(a.answer) == lang, a.answer
    assert "not a" not in a.answer or lang == "en"


@pytest.mark.parametrize("question", ["Which beneficiary wallet received the most?",
                                      "какой бенефициар получил больше всего?"])
def test_the_beneficiary_a_superlative_picks_is_not_asked_back(ctx, question):
    _, context = ctx
    a = ask(question, context)
    assert a.steps and not a.answer.rstrip().endswith("?"), a.answer
