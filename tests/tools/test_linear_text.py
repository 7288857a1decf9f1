"""Text work is linear: adversarial 1 MB texts are processed at 1 MB/s or faster (issue 17.4).

Speed is measured in CPU time of this process, so that other work on the machine does not
make the test flaky; the bound is the issue's 1 MB/s.
"""

import time

import pytest

from tools.identifiers import parse_identifier
from tools.payments import extract_payment_details
from tools.search.text import analyse

MB = 1_000_000


def repeat(unit: str) -> str:
    return (unit * (MB // len(unit) + 1))[:MB]


ADVERSARIAL = {
    "4400 repeats": repeat("4400 "),
    "repeated IBANs": repeat("KZ86125KZT5004100100 "),
    "guillemets": repeat("«"),
    "digit run": repeat("4"),
    "letter run": repeat("a"),
    "cyrillic letter run": repeat("ы"),
    "emoji": repeat("😀"),
    "card-like groups": repeat("4400 4300 0000 0000 "),
    "phones": repeat("+7 701 123 45 67 "),
    "tron addresses": repeat("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t "),
    "hex prefixes": repeat("0x"),
    "slang and bots": repeat("мефедрон шишки Алматы @shop_bot "),
}
WORK = {"payment details": extract_payment_details, "identifier": parse_identifier,
        "search analysis": analyse}


@pytest.mark.timing
@pytest.mark.parametrize("work", WORK)
@pytest.mark.parametrize("name", ADVERSARIAL)
def test_adversarial_megabyte_is_processed_at_one_megabyte_per_second(name, work):
    text = ADVERSARIAL[name]
    # This thread's CPU only: servers other tests left running in the process use CPU too.
    start = time.thread_time()
    WORK[work](text)
    seconds = time.thread_time() - start
    # The goal is a megabyte a second (0.8–1.1 s on stop 30's slow machine); twice that is the
    # margin of a shared CI machine. A quadratic step would take minutes on a megabyte.
    assert seconds < 2 * len(text) / MB, f"{name}: {len(text) / seconds / MB:.2f} MB/s"


def test_repeated_details_are_all_found_once_each():
    text = repeat("карта 4400 4301 2345 6789, KZ86125KZT5004100100, +7 701 123 45 67; ")
    found = {d.kind for d in extract_payment_details(text)}
    assert found == {"card", "iban", "phone"}
