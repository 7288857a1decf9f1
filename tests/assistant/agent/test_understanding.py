"""Finding the case's shops in a question as people write their names."""

import pytest

from assistant.agent.understanding import Vocabulary, find_entities

SHOPS = Vocabulary(shops={
    "tg:1": ["Шоколадная Фабрика 🍫 Шымкент", "Вилли Вонка 🍫"],
    "tg:2": ["ШЫМКЕНТ ОБЪЯВЛЕНИЯ 📢 Барахолка"],
    "tg:3": ["Green Planet 🌍"],
})


def shops_in(question: str) -> list[str]:
    found, _ = find_entities(question, SHOPS)
    return [e.value for e in found if e.kind == "shop"]


@pytest.mark.parametrize("question, shops", [
    # A name's first words name the shop even when one of them is slang ("шоколад").
    ("Шоколадная Фабрика қандай телефон нөмірін берді?", ["tg:1"]),
    ("куда ушли деньги с кошелька шоколадной фабрики", ["tg:1"]),
    ("Реквизиты магазина Green Planet", ["tg:3"]),
    # A city alone is the city, not the channel that starts with it; a drug word alone, the drug.
    ("кто продаёт в Шымкенте?", []),
    ("где купить шоколад?", []),
])
def test_shops_are_named_by_their_first_words_unless_those_only_name_a_city_or_drug(
        question, shops):
    assert shops_in(question) == shops


def test_an_organisation_is_not_named_by_one_everyday_word_of_its_name():
    vocabulary = Vocabulary(people=["ИП Крипто-Обмен"])
    said, _ = find_entities("мефистофель крипту какую давал?", vocabulary)
    assert not [e for e in said if e.kind == "person"]
    said, _ = find_entities("Сколько всего дропы перевели на ИП Крипто-Обмен?", vocabulary)
    assert [e.value for e in said if e.kind == "person"] == ["ИП Крипто-Обмен"]


def test_cities_in_any_case_ending():
    from tools.search.text import analyse

    for text, city in (("кто продает соль в астане", "Астана"), ("в Алмате", "Алматы"),
                       ("Астанада", "Астана")):
        assert analyse(text).of("cities") == [city], text
