"""A card or phone named by its last digits."""

from __future__ import annotations

import pytest

from assistant.agent.detail_endings import endings_named, ends_with_named


@pytest.mark.parametrize("question", [
    "who owns the card ending 7835?",
    "the card that ends in 7835 — whose is it?",
    "last four digits 7835: which shop gave it",
    "чья карта, оканчивающаяся на 7835?",
    "карта с последними цифрами 7835",
    "карта на конце 7835",
    "7835-пен аяқталатын карта кімдікі?",
    "соңғы 4 саны 7835 карта",
])
def test_the_last_digits_of_a_card_are_read_in_each_language(question):
    assert endings_named(question) == {"7835"}


@pytest.mark.parametrize("question", [
    "card 4405 6336 0837 7835",
    "выписка за 2025 год",
    "сколько ушло 7835 тенге",
    # review of stop 30: a year or a sum after "last"
    "last 2025 transfers",
    "the last 5000 tenge",
    "последние 5000 тенге",
    "переводы за последние 2024 года",
    "соңғы 2000 теңге",
])
def test_a_whole_card_a_year_or_a_sum_is_no_ending(question):
    assert endings_named(question) == set()


@pytest.mark.parametrize(("question", "endings"), [
    ("Мефистофель: карты на конце 0303 и 5174", {"0303", "5174"}),
    ("cards ending in 7835 or 7040", {"7835", "7040"}),
    ("соңғы цифрлары 0303 және 5174 карталар", {"0303", "5174"}),
    ("карта на конце 1234 5678", {"5678"}),
    ("Полярная Звезда 7835-пен аяқталатын картаны қашан берді?", {"7835"}),
    ("шот 4400 4314 8396 0303 пен аяқталатын", set()),
])
def test_every_ending_named_is_read_and_a_number_in_blocks_ends_with_its_last(question, endings):
    assert endings_named(question) == endings


def test_an_ending_is_matched_against_a_detail_as_written():
    assert ends_with_named("4405 6336 0837 7835", {"7835"})
    assert ends_with_named("+7 775 899 57 90", {"5790"})
    assert not ends_with_named("4405 6336 0837 7836", {"7835"})
