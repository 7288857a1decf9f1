"""The people the case's statements name: read by the database for linking questions, and
the same as those the full reading of every row finds."""

from tests.conftest import EVIDENCE
from tools.ingest.pipeline import ingest_paths
from tools.people import fold, people_names, people_of_case


def test_people_names_are_the_people_of_the_statements(store):
    statements = [EVIDENCE / n for n in ("halyk_statement.csv", "kaspi_statement.xlsx",
                                         "home_credit_statement.csv", "vtb_statement.xlsx")]
    report = ingest_paths(store, "c", statements)
    assert not report.rejected
    people = people_of_case(store, "c")
    names = people_names(store, "c")
    assert len(people) >= 3
    assert sorted(fold(n) for n in names) == sorted(people)
    # Another case's statements are not this case's people.
    assert people_names(store, "other") == []


def test_a_short_cyrillic_word_one_letter_off_is_another_word_not_the_name() -> None:
    from tools.people import same_word

    assert not same_word("март", "марат")  # "переводы за март", not Марат
    assert same_word("qeen", "queen")  # a Latin name typed with a letter left out
