"""Words the agent's rules once misread, each pinned: a hostile question answers at once, a
card of no known bank is not foreign, an initial is an upper-case letter with its dot, one
token's moves, "картина" is no card, an amount with its unit is no date, "both of them" alone
is no comparison, "с 15 сентября" includes that day. Over the hand-written case, in real
formats; the rules' patterns checked directly too."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from assistant.agent.core import ask
from assistant.agent.ledger import Answer
from assistant.agent.tools import AgentContext
from tools.search.index import SearchIndex
from tools.store import CaseStore


def _ask(case: tuple[CaseStore, SearchIndex], question: str) -> Answer:
    store, index = case
    return ask(question, AgentContext("hm", store, index))


@pytest.mark.timing
def test_a_hostile_repeated_tail_answers_at_once(handmade):
    _ask(handmade, "карта бойынша мәлімет беріңізші")  # warm
    started = time.perf_counter()
    answer = _ask(handmade, "карта" + " беріңізші" * 26 + " x")
    assert time.perf_counter() - started < 1.0
    assert answer.answer
    # The pattern alone on a hundred repeats, in a process of its own (it would not return).
    code = ("from assistant.agent.conversation import _ONE_OF_A_KIND as p;"
            "assert not p.match('карта' + ' беріңізші' * 100 + ' x');"
            "assert p.match('карта бойынша мәлімет беріңізші')")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=10)


def test_a_card_is_foreign_only_on_evidence(handmade):
    from assistant.agent.card_bank import foreign_card
    assert foreign_card("2202 2022 8345 9844") and foreign_card("4276 3823 5925 6345")
    assert foreign_card("5555 5555 5555 4444", "Карта Сбербанка: 5555 5555 5555 4444")
    assert not foreign_card("5555 5555 5555 4444", "Карта для оплаты 5555 5555 5555 4444")
    assert not foreign_card("4405 3920 5561 7785", "Альфа-PVP 0.5г, карта 4405 3920 5561 7785")
    # The hand-written case's shops hand out Kazakh cards only (some known by their message
    # alone): none of them is foreign.
    answer = _ask(handmade, "Какие иностранные карты выдавали магазины?")
    for kazakh in ("4400 4302 7815 0260", "4405 6391 2047 8811", "4405 3920 5561 7785",
                   "4400 4303 1164 9922"):
        assert kazakh not in answer.answer, answer.answer


def test_an_initial_is_an_upper_case_letter_with_its_dot():
    from tools.people import person_span
    assert person_span("встреча с Дауреном завтра", "Сеитов Даурен") is None
    assert person_span("и Ерлан пришёл", "Иманов Ерлан") is None
    assert person_span("Даурен С. дал карту", "Сеитов Даурен") == (0, 9)
    assert person_span("С. Даурен дал карту", "Сеитов Даурен") == (0, 9)


def test_a_path_s_other_routes_go_by_its_own_token():
    from tests.utils.graphs import graph
    from tools.trace.graph import Move, to_units
    from tools.trace.paths import money_path
    cg = graph(("S", "A", 100, 1), ("A", "T", 90, 2), ("S", "B", 10, 3), ("B", "T", 9, 4),
               ("S", "C", 5, 5), ("C", "T", 4, 6))
    # A larger move of another token on the way to B, and a way by that token alone via C.
    cg.graph["S"]["B"]["m"].append(Move(3, to_units("1000"), "trx1", "txtrx1", "TRX"))
    cg.graph.add_edge("S", "E", m=[Move(7, to_units("5000"), "trx2", "txtrx2", "TRX")])
    cg.graph.add_edge("E", "T", m=[Move(8, to_units("4000"), "trx3", "txtrx3", "TRX")])
    path = money_path(cg, "S", "T")
    assert path.token == "USDT"
    routes = [[(h.to_address, h.amount) for h in r] for r in path.other_routes]
    assert routes == [[("B", "10"), ("T", "9")], [("C", "5"), ("T", "4")]]


def test_depositors_add_the_trace_s_token_only(handmade):
    from assistant.agent.tools import ToolOutput, _sweep_lines
    from tests.utils.graphs import graph
    from tools.trace.graph import Move, load_case_graph, to_units
    store, index = handmade
    g = load_case_graph(store, "hm").graph
    real = list(dict.fromkeys(m.record_id for u in g for d in g.succ[u].values()
                              for m in d["m"]))[:3]
    assert len(real) == 3
    cg = graph(tags={"X": ("Binance", "exchange")})
    cg.graph.add_edge("P", "D", m=[Move(1, to_units("100"), real[0], "tx0", "USDT"),
                                   Move(2, to_units("5000"), real[1], "tx1", "TRX")])
    cg.graph.add_edge("D", "X", m=[Move(3, to_units("100"), real[2], "tx2", "USDT")])
    ctx = AgentContext("hm", store, index)
    out = ToolOutput("trace_wallet", None)
    lines = _sweep_lines(ctx, out, cg, {"D": ([real[0]], "D is a deposit", [])}, "USDT")
    assert out.depositors["D"] == [("P", "100", [real[0]], 1)]  # (sum, transfers, count)
    assert any("paid 100.00 USDT into the deposit address D" in ln for ln in lines), lines


def test_a_picture_is_no_card(handmade):
    from assistant.agent.case_sides import overview_sides
    assert overview_sides("Дай общую картину по делу") is None  # the whole case
    assert overview_sides("общая картина движения денег") == frozenset({"money"})
    for cards in ("какие карты выдавали", "по карте", "картой", "карточек", "карталар",
                  "картаға"):
        assert overview_sides(cards) == frozenset({"droppers"}), cards
    answer = _ask(handmade, "Дай общую картину по делу")
    for side in ("Снежная Королева", "KZ"):
        assert side in answer.answer, answer.answer


def test_an_amount_with_its_unit_is_no_date():
    from assistant.agent.conversation import days_named
    for amount in ("1.5 btc", "2.5 eth", "2.5 г", "3.5 TRX", "1.2 USDC", "12.10 USDT"):
        assert days_named(f"кто отправил {amount}?") == [], amount
    assert days_named("а что было 13.02?") == [("02", "13")]


def test_both_of_them_alone_is_no_comparison():
    from assistant.agent.conversation import Turn, two_spoken_of
    two = ("Что известно о KZ987226202786838738: [1]\n- [2] владелец: Ахметов Б.\n"
           "Что известно о KZ707228128657070499: [3]\n- [4] владелец: Нурланов Д.")
    turn = Turn.of("а у Нурланова?", two)
    for where in ("екеуіне де қайда аударды?", "where did both of them send money?",
                  "куда переводили эти двое?"):
        assert two_spoken_of(where, False, turn) == [], where
    for which in ("екеуінің қайсысы көбірек жіберді?", "which of the two sent more?",
                  "сравни этих двух"):
        assert two_spoken_of(which, False, turn) == [
            "KZ987226202786838738", "KZ707228128657070499"], which


def test_from_a_day_includes_that_day():
    from assistant.agent.offline import _on_bound_side
    day, next_day, day_before = "2025-09-15 10:00", "2025-09-16 10:00", "2025-09-14 10:00"
    for inclusive in ("с 15 сентября", "начиная с 15 сентября", "since 15 September",
                      "from September 15", "15 қыркүйектен бастап"):
        assert _on_bound_side(inclusive, day) and _on_bound_side(inclusive, next_day)
        assert not _on_bound_side(inclusive, day_before), inclusive
    for exclusive in ("после 15 сентября", "after September 15", "15 қыркүйектен кейін"):
        assert not _on_bound_side(exclusive, day) and _on_bound_side(exclusive, next_day)
    assert _on_bound_side("до 15 сентября", day_before)
    assert not _on_bound_side("до 15 сентября", day)
