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
