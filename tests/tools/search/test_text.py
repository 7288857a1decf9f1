import pytest

from tools.search.text import analyse


@pytest.mark.parametrize(("text", "concept"), [
    ("меф 1г", "drugs:mephedrone"), ("мефидрон", "drugs:mephedrone"),
    ("4-MMC", "drugs:mephedrone"), ("бошки", "drugs:cannabis"), ("шышки", "drugs:cannabis"),
    ("гашышь", "drugs:hashish"), ("a-pvp", "drugs:alpha_pvp"), ("соль крис", "drugs:alpha_pvp"),
    ("Almaty", "cities:Алматы"), ("Қарағанды", "cities:Караганда"),
    ("Шымкен", "cities:Шымкент"), ("кладмен керек", "jobs:drug_job"),
])
def test_slang_translit_and_typos_name_the_concept(text, concept):
    assert concept in analyse(text).concepts


def test_shop_and_bot_names_are_not_what_is_sold():
    assert analyse("Мефистофель @mefistofel_d13_bot").concepts == set()


def test_pizza_courier_is_not_drug_recruiting():
    assert "jobs:drug_job" not in analyse("Требуются курьеры на доставку пиццы").concepts


@pytest.mark.parametrize(("text", "job"), [
    ("ненаход закладка", False), ("Закладки 24/7, меф 1г — 17 000 ₸", False),
    ("закладку не нашел", False), ("работа закладками, от 300 000 ₸", True),
    ("ищем людей на закладки", True), ("Закладкашылар керек!", True),
    ("работа закладчиком Алматы", True),
])
def test_a_stash_is_a_job_only_beside_a_jobs_words(text, job):
    concepts = analyse(text).concepts
    assert ("jobs:drug_job" in concepts) is job, concepts
    assert job or "topics:stash" in concepts


@pytest.mark.parametrize("text", ["ненаход", "Перезаклад: 📍 43.2389, 76.8897", "таппадым"])
def test_a_stash_not_found_and_the_shops_answer_are_one_topic(text):
    assert "topics:lost_stash" in analyse(text).concepts


@pytest.mark.parametrize(("text", "document", "drugs", "maybe"), [
    # A query's crystal: its own drug, the other after it; another word decides.
    ("кристалл", False, ["mephedrone"], ["alpha_pvp"]),
    ("крис Каскелен", False, ["alpha_pvp"], ["mephedrone"]),
    ("mef kristal shymkent", False, ["mephedrone"], []),
    # In a menu the words of its line decide; a line of nothing else is its own drug, and
    # maybe the other.
    ("📍 Каскелен:\n❄️ Меф мука 1г — 16 000 ₸\n💎 Крис 0.5г — 12 000 ₸", True,
     ["alpha_pvp", "mephedrone"], []),
    ("❄️ Меф кристалл 1г — 17 000 ₸\n⚡ Фен 1г — 14 000 ₸", True,
     ["amphetamine", "mephedrone"], []),
    ("💎 Крис (альфа) 0.5г — 11 000 ₸", True, ["alpha_pvp"], []),
    ("Кристалдар Шымкент қаласында ❄️ 1г — 15 000 ₸", True, ["mephedrone"], []),
    ("Кристаллы 1г — 15 000 ₸", True, ["mephedrone"], ["alpha_pvp"]),
])
def test_a_crystal_is_mephedrone_or_alpha_pvp_as_the_words_beside_it_say(
        text, document, drugs, maybe):
    analysed = analyse(text, document=document)
    assert (analysed.of("drugs"), analysed.of("maybe")) == (drugs, maybe)


@pytest.mark.parametrize(("text", "concept"), [
    ("Оскеменде", "cities:Усть-Каменогорск"), ("жумыс керек", "topics:job"),
    ("есиртки", "purposes:sale"), ("дукен", "purposes:sale"),
])
def test_kazakh_words_typed_without_kazakh_letters_name_the_concept(text, concept):
    assert concept in analyse(text).concepts


def test_a_kazakh_word_typed_without_its_letters_is_never_a_russian_word():
    # "ұстал" (detained) is not "устал" (tired).
    assert "topics:police" not in analyse("я устал").concepts


def test_each_part_of_a_hyphenated_word_is_a_word_of_the_text():
    from tools.search.text import search_stem

    tokens = analyse("Курьер-кладмен в Астану, Водитель-перевозчик", document=True).tokens
    assert {search_stem("кладмен"), search_stem("перевозчик"), "курьер-кладм"} <= set(tokens)
