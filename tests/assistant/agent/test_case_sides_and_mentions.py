"""The chats and the people asked as people who never read the rules ask: an overview of the
sides of the case a question names (and only those cited), every chat where something is
mentioned, the words of the asking telling no message apart, quoted words, an order's code,
a person by a given name and an initial, a card after "№", a card's bank and country, the
wallets the shops handed out, a shop's pay to its couriers. Over the hand-written case and the
small demo case, in real formats."""

from __future__ import annotations

import re

from assistant.agent.card_bank import card_bank, issue_country_asked
from assistant.agent.case_sides import overview_sides
from assistant.agent.core import ask
from assistant.agent.ledger import Answer
from assistant.agent.tools import AgentContext
from tools.payments import extract_payment_details
from tools.people import person_span
from tools.search.index import SearchIndex
from tools.store import CaseStore

KAZAKH_BINS = ("440043", "400303", "440563")


def _ask(case: tuple[CaseStore, SearchIndex], question: str, name: str = "hm") -> Answer:
    store, index = case
    answer = ask(question, AgentContext(name, store, index))
    assert answer.verified, answer.flags
    return answer


def test_the_sides_an_overview_names() -> None:
    assert overview_sides("обзор дела") is None
    assert overview_sides("summarize: shops, card holders, crypto") == {
        "shops", "droppers", "statements", "crypto"}
    assert overview_sides("how many bank statements and whose are they?") == {"statements"}
    assert overview_sides("іс бойынша негізгі тұлғалар кімдер?") == {"people"}
    assert overview_sides("Сколько выписок и куда в итоге ушли деньги?") == {
        "statements", "money"}
    # The shops' money is money, not the shops as a list.
    assert overview_sides("where did the shops' money go?") == {"money"}


def test_an_overview_shows_the_sides_asked(handmade) -> None:
    three = _ask(handmade, "короче по делу: магазины, держатели карт, крипта")
    for said in ("Green Planet", "Жумабаев", "TXmqWQTjQr4TveWQWEsAo1mJuDXg68vhzP"):
        assert said in three.answer, three.answer
    statements = _ask(handmade, "case summary please: which banks and whose statements?")
    assert "Сеитова" in statements.answer and "Halyk" in statements.answer, statements.answer
    assert {c.kind for c in statements.citations} == {"bank_row"}, statements.answer


def test_the_people_of_the_case_are_its_statements_people(handmade) -> None:
    for question in ("кто фигуранты по этому делу?", "іс бойынша қандай тұлғалар өтеді?",
                     "who are the key people in this case?"):
        answer = _ask(handmade, question)
        for name in ("Жумабаев", "Оспанова", "Сеитова", "Ли Вадим"):
            assert name in answer.answer, (question, answer.answer)
        assert not any(c.kind == "transfer" for c in answer.citations), answer.answer


def test_how_many_statements_beside_the_shops_is_an_overview(small_demo, small_demo_index
                                                              ) -> None:
    _, store, _ = small_demo
    answer = _ask((store, small_demo_index), "Мне передали дело. Сколько магазинов, сколько "
                  "выписок и куда ушли деньги в итоге?", "demo")
    assert "Всего магазинов:" in answer.answer, answer.answer
    assert any(c.kind == "transfer" for c in answer.citations), answer.answer  # the money


def test_every_chat_where_something_is_mentioned(small_demo, small_demo_index) -> None:
    _, store, _ = small_demo
    answer = _ask((store, small_demo_index), "в каких переписках упоминаются клады?", "demo")
    chats = {c.id.rsplit("/", 1)[0] for c in answer.citations}
    assert len(chats) >= 2 and len(chats) == len(answer.citations), answer.answer


def test_the_words_of_the_asking_tell_no_message_apart(handmade) -> None:
    # "есть", "переписке" are the asking's; "Тұран" (Kazakh letters) is the district.
    for question in ("в переписке есть координаты закладки в Туране?",
                     "Тұран ауданындағы тайник координаттары хабарламаларда бар ма?"):
        answer = _ask(handmade, question)
        assert "42.3607" in answer.answer, (question, answer.answer)
        assert "42.3385" not in answer.answer, answer.answer


def test_a_quoted_phrase_is_every_message_saying_it(handmade) -> None:
    answer = _ask(handmade, "найди сообщения со словами «Оплатил, вот чек»")
    chats = {c.id.rsplit("/", 1)[0] for c in answer.citations}
    assert len(chats) >= 2, answer.answer


def test_an_orders_code_is_that_orders_message(handmade) -> None:
    for question in ("what did the Chocolate Factory bot give for order CH-1102?",
                     "CH-1102 тапсырысы бойынша қандай деректемелер берілді?"):
        answer = _ask(handmade, question)
        assert "4400-4301-8876-5538" in answer.answer or "4400 4301 8876 5538" in \
            answer.answer, (question, answer.answer)
        assert not any(c.kind == "transfer" for c in answer.citations), answer.answer


def test_a_given_name_and_an_initial_is_the_statements_person(handmade) -> None:
    span = person_span("кто такой Даурен С.?", "Сарсенбаев Даурен Ерланович")
    assert span and "кто такой Даурен С.?"[span[0]:span[1]].startswith("Даурен С"), span
    assert person_span("кто такой Даурен?", "Сарсенбаев Даурен Ерланович") is None
    answer = _ask(handmade, "Даурен С. по выпискам — ФИО и ИИН?")
    assert "Сарсенбаев" in answer.answer and "970314310015" in answer.answer, answer.answer


def test_a_card_numbered_with_the_sign_is_a_card() -> None:
    found = extract_payment_details("владелец карты № 4400-4336-6258-5174")
    assert [d.value for d in found if d.kind == "card"] == ["4400433662585174"]
    assert not [d for d in extract_payment_details("заказ № 4400433662585174")
                if d.kind == "card"]


def test_the_bank_of_a_card(handmade) -> None:
    assert card_bank("4400430188765538") == "Kaspi Gold"
    assert card_bank("4405392055617785", ["KZ456011065602164235"]) == "Halyk Bank"
    assert card_bank("4276386858783105") is None
    answer = _ask(handmade, "4405 6391 2047 8811 қай банктың картасы?")
    assert "Halyk" in answer.answer, answer.answer


def test_the_cards_of_no_kazakh_bank(small_demo, small_demo_index) -> None:
    assert issue_country_asked("какие российские (не казахстанские) карты") == "foreign"
    assert issue_country_asked("шетелдік карталар") == "foreign"
    assert issue_country_asked("Kazakh cards only") == "kz"
    assert issue_country_asked("карты Снежная Королева KZ") is None
    _, store, _ = small_demo
    answer = _ask((store, small_demo_index), "which foreign cards did the shops hand out?",
                  "demo")
    cards = [d.value for c in answer.citations
             for d in extract_payment_details(str(c.record.get("text") or ""))
             if d.kind == "card"]
    shown = [v for v in cards if v[:4] + " " + v[4:8] in answer.answer]
    assert shown and not any(v.startswith(KAZAKH_BINS) for v in shown), answer.answer


def test_the_wallets_the_shops_handed_out_are_their_details(handmade) -> None:
    answer = _ask(handmade, "какие USDT-кошельки магазины выдавали покупателям для оплаты?")
    for wallet in ("TDMHPGTxctG7rwSVkmiTPL22KZm9YdpSvQ", "TAzfY2BQ9wSteTHxhLwPxJpecqXAJyQh8F",
                   "TTnYimMG76YdupgjxDBsTsj5SaDLTPh2nm"):
        assert wallet in answer.answer, answer.answer
    assert not any(c.kind == "transfer" for c in answer.citations), answer.answer


def test_a_shops_pay_to_couriers_is_its_recruiting_posts(handmade) -> None:
    answer = _ask(handmade, "сколько Снежная Королева обещает курьерам в неделю?")
    assert "250 000" in answer.answer, answer.answer
    assert "200 000" not in answer.answer, answer.answer  # another shop's offer


def test_the_cities_of_each_shop(small_demo, small_demo_index) -> None:
    _, store, _ = small_demo
    answer = _ask((store, small_demo_index), "в каких городах работают магазины?", "demo")
    lines = [line for line in answer.answer.splitlines() if line.startswith("- [")]
    assert len(lines) >= 3 and all(":" in line for line in lines), answer.answer
    assert not any(c.kind == "transfer" for c in answer.citations), answer.answer


def test_the_rate_a_shops_wallet_message_states(handmade) -> None:
    from assistant.agent.card_bank import stated_rate
    assert stated_rate("Курс: 1 USDT = 540 ₸.") == "1 USDT = 540 ₸"
    assert stated_rate("34 000 ₸ = 60 USDT") is None
    answer = _ask(handmade, "по какому курсу шоколадная фабрика принимала USDT и на какой кошелёк?")
    assert "TTnYimMG76YdupgjxDBsTsj5SaDLTPh2nm" in answer.answer and "535" in answer.answer, \
        answer.answer


def test_the_shops_bought_from_took_payment_in_a_chat(handmade) -> None:
    answer = _ask(handmade, "в каких магазинах покупал Даурен?")
    for shop in ("Шоколадная Фабрика", "Снежная Королева", "Green Planet"):
        assert shop in answer.answer, answer.answer
    assert "molniya" not in answer.answer.casefold(), answer.answer  # known from its ads only


def test_a_message_by_the_amount_it_asked_and_a_shop_unnamed(small_demo, small_demo_index
                                                             ) -> None:
    _, store, _ = small_demo
    case = (store, small_demo_index)
    back = ask("Покажи реквизиты магазина", AgentContext("demo", store, small_demo_index))
    assert back.answer.rstrip().endswith("?") and not back.citations, back.answer
    shops = _ask(case, "какие кошельки давали магазины?", "demo")
    token = next(a for a in re.findall(r"сумма (\d+\.\d\d) USDT", shops.answer))
    answer = _ask(case, f"which message asked for {token} USDT", "demo")
    assert token in answer.answer and len(answer.citations) == 1, answer.answer
