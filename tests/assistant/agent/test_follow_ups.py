"""Follow-up questions: what "it", "that one" or a repeated name points at in the previous
answer, and answers that cite only what was asked."""


import re

import pytest

from assistant.agent.core import ask
from assistant.agent.offline import _named_in_answer
from assistant.agent.tools import AgentContext

EXCHANGES = """Всего ушло на биржи: 406.00 USDT.
- [14] TATFYSDYorLrd1o884wqW9LhRQ7CWyJAoC: биржа (Steppe Exchange deposit address), 245.00 USDT
- [15] TBNVKLU9FHTFgksCNVKGU213MfHeB5poqa: биржа (Qazex deposit address), 161.00 USDT"""
ONE_WALLET = """Реквизиты, которые выдавал магазин «Мефистофель»:
- [1] кошелёк TWNNtbo2rawE8FHfntp1QCs2qGCwzxJTE2, выдан 2025-01-30, сумма 59.41 USDT"""
CARDS = """Payment details the shop handed out:
- [1] card 4400 4302 7815 0260, handed out 2025-09-03 in Снежная Королева KZ
- [2] card 4405 6391 2047 8811, handed out 2025-09-24 in Шоколадная Фабрика"""


@pytest.mark.parametrize("question", [
    "а через какой депозитный адрес на Qazex?",
    "and how much went to Qazex?",
    "Qazex-ке қай адрес арқылы?",
])
def test_a_name_the_follow_up_repeats_picks_its_line(question):
    assert _named_in_answer(question, EXCHANGES) == ["TBNVKLU9FHTFgksCNVKGU213MfHeB5poqa"]


@pytest.mark.parametrize("question", ["and who paid into it?", "а кто на него платил?",
                                      "оған кім ақша салды?"])
def test_the_only_identifier_of_the_answer_is_it(question):
    assert _named_in_answer(question, ONE_WALLET) == ["TWNNtbo2rawE8FHfntp1QCs2qGCwzxJTE2"]


@pytest.mark.parametrize("question", ["а карта шоколадной чья?", "whose is the Шоколадная card?",
                                      "шоколадной фабрики картасы кімдікі?"])
def test_a_kind_and_a_name_pick_the_line_of_that_name(question):
    assert _named_in_answer(question, CARDS) == ["4405639120478811"]


def test_a_word_in_every_line_picks_none():
    assert _named_in_answer("а по карте?", CARDS) == ["4400430278150260"]  # the first card
    assert _named_in_answer("and the deposit address?", EXCHANGES) == []


@pytest.fixture(scope="module")
def ctx(small_demo, small_demo_index):
    truth, store, _ = small_demo
    return truth, AgentContext(case="demo", store=store, search=small_demo_index)


def test_who_paid_into_the_wallet_a_shop_handed_out(ctx):
    truth, context = ctx
    shop = next(s for s in truth.shops if len(s.payment_wallets) == 1)
    question = f"какие кошельки выдавал магазин «{shop.name}»?"
    first = ask(question, context)
    [wallet] = shop.payment_wallets
    assert wallet in first.answer
    for follow in ("and who paid into it?", "а откуда на него пришли деньги?"):
        answer = ask(follow, context, history=[(question, first.answer)])
        assert answer.verified and wallet in answer.answer.splitlines()[0]
        assert len(answer.steps) == 1 and answer.steps[0].startswith("trace_wallet")


@pytest.mark.parametrize("search", ["мефедрон {city}", "меф {city} купить", "mephedrone {city}"])
def test_a_search_after_a_trace_searches_the_case_not_the_traced_wallet(ctx, search):
    truth, context = ctx
    shop = truth.shops[0]
    wallet = shop.payment_wallets[0]
    question = f"Куда ушли деньги с {wallet}?"
    first = ask(question, context)
    answer = ask(search.format(city=shop.cities[0]), context, history=[(question, first.answer)])
    assert answer.verified and answer.steps[0].startswith("search_listings"), answer.steps
    assert wallet not in answer.answer


def test_where_money_went_cites_no_sweep_unless_exchanges_are_asked(ctx):
    truth, context = ctx
    wallet = truth.shops[0].payment_wallets[0]
    plain = ask(f"куда ушли деньги с {wallet}?", context)
    assert plain.verified
    # A deposit the money reached through other wallets: the exchange behind it is not asked.
    assert not [ln for ln in plain.answer.splitlines()
                if "путь:" in ln and "затем переведено на кош" in ln]
    asked = ask(f"куда ушли деньги с {wallet}, дошли ли они до биржи?", context)
    assert asked.verified


@pytest.mark.parametrize("template", ["compare the accounts {a} and {b}",
                                      "сравни счета {a} и {b}",
                                      "{a} пен {b} шоттарын салыстыр"])
def test_a_comparison_cites_only_records_of_the_two_accounts(ctx, template):
    truth, context = ctx
    ibans = [d.iban for d in truth.droppers if d.iban and d.country == "KZ"]
    a, b = ibans[:2]
    answer = ask(template.format(a=a, b=b), context)
    assert answer.verified and answer.citations
    assert all(a in f"{c.id} {c.record}".replace(" ", "") or
               b in f"{c.id} {c.record}".replace(" ", "") for c in answer.citations)


@pytest.mark.parametrize("question, common", [
    ("Жумабаевқа да, Оспановаға да ақша аударғандар кім?", True),
    ("кто получал деньги и от Жумабаева, и от Оспановой?", True),
    ("who paid both Zhumabayev and Ospanova?", True),
    ("any counterparty in common between these accounts?", True),
    ("общие контрагенты двух счетов", True),
    ("кто платил Жумабаеву?", False),
    ("сравни счета Жумабаева и Оспановой", False),
])
def test_questions_asking_whom_accounts_share(question, common):
    from assistant.agent.offline import _COMMON

    assert bool(_COMMON.search(question)) == common


@pytest.mark.parametrize("template", ["кто получал деньги и с {a}, и с {b}?",
                                      "which counterparties do {a} and {b} have in common?",
                                      "{a} пен {b} шоттарының ортақ контрагенттері кім?"])
def test_whom_two_accounts_share_is_cited_from_both_statements(ctx, template):
    truth, context = ctx
    from tools.lookup import lookup_account

    ibans = [d.iban for d in truth.droppers if d.iban and d.statement]
    parties = {i: {c.account for c in lookup_account(context.store, "demo", i).matches[0].bank
                   .counterparties} for i in ibans}
    a, b = next((a, b) for a in ibans for b in ibans if a < b and parties[a] & parties[b])
    answer = ask(template.format(a=a, b=b), context)
    assert answer.verified and answer.citations
    lines = [ln for ln in answer.answer.splitlines() if ln.startswith("- ")]
    assert lines and all(ln.startswith((f"- {a}:", f"- {b}:")) for ln in lines)
    assert {c.id.split("/")[0] for c in answer.citations} <= {f"bank:{a}", f"bank:{b}"}
    # Each party listed is listed for both accounts.
    parties = [re.findall(r"KZ\w{18}", ln.split(":", 1)[1]) for ln in lines]
    for found in parties:
        assert sum(found[-1:] == p[-1:] for p in parties) >= 2


@pytest.mark.parametrize("question, elliptic", [
    ("а у Оспановой?", True), ("а Жумабаев?", True), ("ал Сеитова ше?", True),
    ("what about 4400 4302 7815 0260?", True), ("and for TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr?", True),
    ("а куда он потом отправлял деньги?", False), ("and who paid into it?", False),
    ("Оспанова?", False),
])
def test_a_follow_up_that_is_only_a_name(question, elliptic):
    from assistant.agent.offline import _elliptic
    from assistant.agent.understanding import Vocabulary, find_entities

    people = Vocabulary(people=["Оспанова Динара", "Жумабаев Ерлан", "Сеитова Айгуль"])
    found, _ = find_entities(question, people)
    assert _elliptic(question, found) == elliptic


def test_the_previous_question_asked_again_of_the_name_the_follow_up_gives():
    from assistant.agent.offline import _swap
    from assistant.agent.understanding import Vocabulary, find_entities

    v = Vocabulary(people=["Оспанова Динара", "Жумабаев Ерлан"],
                   shops={"tg:1": ["Шоколадная Фабрика 🍫 Шымкент"], "tg:2": ["Green Planet"]})
    prev = "сколько получила Оспанова по выписке?"
    q = "а Жумабаев?"
    assert _swap(prev, find_entities(prev, v)[0], q, find_entities(q, v)[0]) == \
        "сколько получила Жумабаев по выписке?"
    prev, q = "какие карты выдавал Green Planet?", "а у шоколадной?"
    assert _swap(prev, find_entities(prev, v)[0], q, find_entities(q, v, loose=True)[0]) == \
        "какие карты выдавал Шоколадная Фабрика 🍫 Шымкент?"
    # A name of another kind than the two the question named: the same asked of it alone.
    prev = "compare TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr and TS9G84FZzaPwaizoT1RFzMqRoGFdfGKQkH"
    assert _swap(prev, find_entities(prev, v)[0], q, find_entities(q, v, loose=True)[0]) == \
        "compare Шоколадная Фабрика 🍫 Шымкент and "
    # Names of two kinds before: which one it stands for cannot be told.
    prev = "сколько Жумабаев перевёл на TX1DmwrdPBTeZ17Bt7QSBxZRx2ipEvNsGr"
    assert _swap(prev, find_entities(prev, v)[0], q, find_entities(q, v, loose=True)[0]) is None


def test_and_the_other_shop_asks_the_same_of_it(ctx):
    truth, context = ctx
    first, second = truth.shops[0], truth.shops[1]
    question = f"какие карты выдавал магазин «{first.name}»?"
    answer = ask(question, context)
    follow = ask(f"а у «{second.name}»?", context, history=[(question, answer.answer)])
    assert follow.verified and second.name in follow.answer.splitlines()[0]
    assert first.name not in follow.answer


@pytest.mark.parametrize("question", [
    "how much got into TRcbqt5khukRMdsBQ5s7gSdxthmfLoNU8o?",
    "how much money came into TRcbqt5khukRMdsBQ5s7gSdxthmfLoNU8o",
    "what flowed into TRcbqt5khukRMdsBQ5s7gSdxthmfLoNU8o and from whom",
])
def test_money_getting_into_a_wallet_is_where_it_came_from(question):
    from assistant.agent.understanding import read_question

    assert read_question(question).intent == "backward"


def test_a_wallet_with_many_senders_states_only_the_cited_ones(ctx):
    truth, context = ctx
    hot = truth.exchanges[0].hot_wallet
    answer = ask(f"where did the money in {hot} come from?", context)
    assert answer.verified, answer.flags
    assert all(re.match(r"- \[\d+\]", ln) for ln in answer.answer.splitlines()
               if ln.startswith("- "))


TWO_CARDS = """Payment details:
- [1] card 4400 4302 7815 0260, handed out 2025-09-03
- [2] card 4405 6391 2047 8811, handed out 2025-09-24"""


@pytest.mark.parametrize("question", ["а по другой карте?", "and the other card?",
                                      "басқа картасы ше?"])
def test_the_other_one_is_the_one_the_previous_question_did_not_name(question):
    from assistant.agent.conversation import Turn, listed_pick

    assert listed_pick(question, Turn.of("чья карта 4400 4302 7815 0260?", TWO_CARDS)) == \
        ["4405639120478811"]
    # Neither named before: which other is meant is not known.
    assert listed_pick(question, Turn.of("какие карты выдавал магазин?", TWO_CARDS)) == []


@pytest.mark.parametrize("template", ["сколько с кошелька магазина «{shop}» пришло на {w}?",
                                      "how much did the {shop} shop's wallet send to {w}?"])
def test_how_much_a_shop_sent_a_wallet_is_the_path_from_its_wallet(ctx, template):
    truth, context = ctx
    shop = next(s for s in truth.shops if s.treasury and s.payment_wallets)
    answer = ask(template.format(shop=shop.name, w=shop.treasury), context)
    assert answer.verified
    assert any(s.startswith("money_path") for s in answer.steps)
    assert shop.treasury in answer.answer and shop.payment_wallets[0] in answer.answer


def test_what_is_left_on_a_wallet_is_answered_from_its_totals(ctx):
    truth, context = ctx
    wallet = truth.beneficiaries[0].address
    answer = ask(f"how much did {wallet} receive and how much is still there?", context)
    assert answer.verified and [s.split(":")[0] for s in answer.steps] == ["lookup_account"]
    held = f"{float(truth.beneficiaries[0].held_usdt):,.2f}".replace(",", " ")
    assert held in answer.answer


def test_no_path_between_a_shop_and_a_wallet_is_said_without_retyping_them(ctx):
    truth, context = ctx
    a, b = truth.shops[0], truth.shops[1]
    answer = ask(f"сколько с кошелька магазина «{b.name}» пришло на {a.treasury}?", context)
    assert answer.verified, answer.flags
    assert "В деле нет цепочки переводов между кошельком" in answer.answer or \
        re.search(r"- \[\d+\] путь:", answer.answer)


def test_the_second_beneficiary_is_the_case_s_not_the_previous_answer_s(ctx):
    from tools.overview import case_overview
    from tools.trace import load_case_graph

    _, context = ctx
    o = case_overview(context.store, "demo", load_case_graph(context.store, "demo"), top=5)
    ends = [b.address for b in o.beneficiaries if b.reason == "beneficiary"]
    assert len(ends) >= 2, "the demo case has two beneficiaries or more"
    question = f"куда ушли деньги с {ends[0]}?"
    first = ask(question, context)
    for follow in ("а второй бенефициар сколько вывел?", "and the second beneficiary?"):
        answer = ask(follow, context, history=[(question, first.answer)])
        assert answer.verified, answer.flags
        assert ends[1] in answer.answer.splitlines()[0]
        assert any(s.startswith("trace_wallet") and ends[1] in s for s in answer.steps)


def test_drug_money_into_an_exchange_wallet_is_the_case_s_money_swept_into_it(ctx):
    _, context = ctx
    overview = ask("сколько денег магазинов дошло до бирж?", context)
    swept = re.findall(r"кошел[её]к биржи (T[1-9A-HJ-NP-Za-km-z]{33})", overview.answer)
    assert swept, overview.answer
    wallet = swept[0]
    question = f"{wallet} что за кошелек"
    first = ask(question, context)
    answer = ask("how much drug money got in there?", context, history=[(question, first.answer)])
    assert answer.verified, answer.flags
    assert answer.steps[0].startswith("case_overview")
    lines = [ln for ln in answer.answer.splitlines() if ln.startswith("- ")]
    assert lines and all(wallet in ln for ln in lines)  # only deposits swept into it


_TRON = re.compile(r"\bT[1-9A-HJ-NP-Za-km-z]{33}\b")


def _listed(answer: str) -> list[str]:
    return list(dict.fromkeys(m for line in answer.splitlines() if line.startswith("- [")
                              for m in _TRON.findall(line)[:1]))


@pytest.mark.parametrize("first, pointer", [
    ("кто конечные получатели денег?", "а про него что известно?"),
    ("who are the final beneficiaries?", "what about him?"),
    ("соңғы бенефициарлар кімдер?", "ал ол туралы?"),
])
def test_one_pointed_at_among_several_listed_is_asked_back(ctx, first, pointer):
    _, context = ctx
    a = ask(first, context)
    listed = _listed(a.answer)
    assert len(listed) >= 2
    b = ask(pointer, context, history=[(first, a.answer)])
    assert not b.steps and b.answer.rstrip().endswith("?")
    assert listed[0][:8] in b.answer and listed[1][:8] in b.answer


@pytest.mark.parametrize("question", ["что с ним?", "and him?", "ал оның?"])
def test_a_pointer_with_nothing_before_it_is_asked_back(ctx, question):
    _, context = ctx
    a = ask(question, context)
    assert not a.steps and a.answer.rstrip().endswith("?")


@pytest.mark.parametrize("first, nth, then", [
    ("покажи бенефициаров", "а второй?", "а кто ему платил?"),
    ("list the beneficiaries", "and the second one?", "where did its money come from?"),
    ("бенефициарлар тізімі", "ал екіншісі?", "оған ақша қайдан келді?"),
])
def test_a_follow_up_keeps_the_one_the_previous_answer_was_about(ctx, first, nth, then):
    _, context = ctx
    a = ask(first, context)
    second = _listed(a.answer)[1]
    b = ask(nth, context, history=[(first, a.answer)])
    assert second in b.answer.split("\n", 1)[0]
    c = ask(then, context, history=[(first, a.answer), (nth, b.answer)])
    assert any("backward" in s and second in s for s in c.steps), c.steps


@pytest.mark.parametrize("question", ["who put money into the 2nd beneficiary?",
                                      "кто финансировал второго бенефициара?"])
def test_who_funded_a_beneficiary_named_by_its_rank_traces_back(ctx, question):
    _, context = ctx
    a = ask(question, context)
    assert any(s.startswith("trace_wallet") and "backward" in s for s in a.steps), a.steps


@pytest.mark.parametrize("question", ["кто стал чемпионом по боксу", "футбол нәтижелері",
                                      "what's the tallest mountain?", "добрый вечер"])
def test_the_world_outside_is_refused_without_tools(ctx, question):
    _, context = ctx
    a = ask(question, context)
    assert not a.steps and not a.citations and not a.answer.rstrip().endswith("?")


def test_the_answer_to_which_one_picks_from_the_list_asked_about(ctx):
    _, context = ctx
    first, pointer = "list the beneficiaries", "and him?"
    a = ask(first, context)
    b = ask(pointer, context, history=[(first, a.answer)])
    c = ask("the second", context, history=[(first, a.answer), (pointer, b.answer)])
    assert c.steps and _listed(a.answer)[1] in c.answer


@pytest.mark.parametrize("question", ["а чьи это карты?", "whose are these cards?",
                                      "бұл карталар кімдікі?", "and who holds those cards?"])
def test_a_plural_pointer_with_its_kind_is_every_one_of_that_kind_listed(question):
    from assistant.agent.conversation import Turn, listed_pick

    assert listed_pick(question, Turn.of("какие карты выдавал магазин?", TWO_CARDS)) == \
        ["4400430278150260", "4405639120478811"]
