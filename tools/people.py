"""People of a case (payers, payees and holders in bank statements) and finding them by a name
written in any case ending, word order or with a typo."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict

from anyascii import anyascii
from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from tools.identifiers import iin_is_valid
from tools.ingest.bank import statement_prefix
from tools.search.text import stem
from tools.store import CaseStore
from tools.store.accounts import field_values, records_of_kind

MAX_ROWS_PER_PERSON = 20
_WORD = re.compile(r"[\w-]+", re.U)


class Person(BaseModel):
    name: str = Field(description="As the statements write it")
    accounts: list[str] = Field(default_factory=list, description="IBANs the person used")
    iins: list[str] = Field(default_factory=list)
    records: list[str] = Field(default_factory=list, description="Statement rows, to cite")
    paid: str = "0"
    received: str = "0"
    iin_of: dict[str, str] = Field(default_factory=dict, description="Account → the ИИН the "
                                   "statements give beside this name and account, where given")
    row_of: dict[str, str] = Field(default_factory=dict, description="Account → a statement "
                                   "row naming this name with it, to cite")
    own_accounts: list[str] = Field(default_factory=list, description="Accounts whose own "
                                    "statement the case holds")

    @property
    def abbreviated(self) -> bool:
        """A surname with initials ("Омарова Г."): many people may be written so."""
        words = self.name.replace(".", ". ").split()
        return len(words) >= 2 and all(len(w.rstrip(".")) <= 1 for w in words[1:])

    def holders(self) -> list[tuple[str, list[str]]]:
        """The accounts by the ИИН beside them: one group per ИИН (one person each), and each
        account with no ИИН alone (ИИН "")."""
        groups: dict[str, list[str]] = {}
        for account in self.accounts:
            iin = self.iin_of.get(account, "")
            groups.setdefault(iin or f"?{account}", []).append(account)
        return [(key if not key.startswith("?") else "", accounts)
                for key, accounts in groups.items()]


def fold(text: str) -> str:
    """Lower case, ё as е, punctuation as spaces: how names are compared."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return re.sub(r"[^\w@ ]+", " ", text)


def same_word(written: str, known: str) -> bool:
    """One word of a name, in another case ending ("Сеитовой" for "Сеитова"), with a typo, or
    transliterated ("Mefistofel" for "Мефистофель")."""
    if written == known:
        return True
    if written.isascii() and not known.isascii():
        # As transliterated, or in the Kazakh Latin alphabet ("Jasyl" for "Жасыл", "Hanym").
        spellings = {anyascii(k).casefold().replace("'", "")
                     for k in (known, known.replace("ж", "j").replace("х", "h"))}
        return any(len(k) >= 4 and (written == k or (len(k) >= 5 and fuzz.ratio(written, k) >= 80))
                   for k in spellings)
    if known.isascii() and not written.isascii():
        # A name the evidence writes in Latin letters, asked in Cyrillic ("Тима", "Тиманың"
        # for "Tima"), in any case ending.
        written = anyascii(written).casefold().replace("'", "")
        return len(known) >= 4 and written.startswith(known) and len(written) - len(known) <= 4
    if len(known) <= 3 or len(written) <= 3:
        return False
    if stem(written) == stem(known):
        return True
    common = 0
    while common < min(len(written), len(known)) and written[common] == known[common]:
        common += 1
    if common >= max(4, len(known) - 2) and abs(len(written) - len(known)) <= 3:
        return True
    # (A five-letter Latin word with one letter left out or swapped: "Qeen" for "Queen"; not
    # a Cyrillic one, where a short word is as often another word: "март" is not "Марат".)
    return (len(known) >= 6 or len(known) == 5 and written.isascii()) and \
        fuzz.ratio(written, known) >= 85


def person_span(text: str, name: str) -> tuple[int, int] | None:
    """Where `text` names the person `name`: surname and given name in either order, or the
    surname alone when it is long enough to be told apart ("у Сеитовой", "Кузнецов П.")."""
    parts = [w for w in _WORD.findall(fold(name)) if len(w) > 2][:2]
    if not parts:
        return None
    words = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(fold(text))]
    if len(parts) == 2:
        for i in range(len(words) - 1):
            a, b = words[i][2], words[i + 1][2]
            if (same_word(a, parts[0]) and same_word(b, parts[1])) or \
                    (same_word(a, parts[1]) and same_word(b, parts[0])):
                return words[i][0], words[i + 1][1]
            # The given name and the surname's initial, as a chat writes a person ("Даурен С.",
            # "С. Даурен").
            if (same_word(a, parts[1]) and _initial_of(b, parts[0], text, words[i + 1][0])) \
                    or (_initial_of(a, parts[0], text, words[i][0]) and
                        same_word(b, parts[1])):
                return words[i][0], words[i + 1][1] + (
                    1 if text[words[i + 1][1]:words[i + 1][1] + 1] == "." else 0)
    surname = parts[0]
    if len(surname) >= 5:
        for start, end, w in words:
            if same_word(w, surname):
                return start, end
    return None


def _initial_of(word: str, surname: str, text: str, start: int) -> bool:
    """Whether `word` (folded, at `start` of `text`) is the first letter of `surname` written
    as an initial: upper case with its dot in the original text ("С.", not "с Дауреном")."""
    return len(word) == 1 and surname.startswith(word) and \
        text[start:start + 1].isupper() and text[start + 1:start + 2] == "."


def _is_person_name(name: str) -> bool:
    return len(name) >= 5 and bool(re.search(r"[^\W\d_]{2,}\s+[^\W\d_]", name))


def people_names(store: CaseStore, case: str) -> list[str]:
    """The names of everyone the case's statements name as payer or payee (what
    `people_of_case` holds, without reading every row: a question is linked to them)."""
    with store.engine.connect() as conn:
        written = field_values(conn, case, "bank_row", ["payer_name", "payee_name"])
    names: dict[str, str] = {}
    for raw in sorted(written):
        name = " ".join(raw.split())
        if _is_person_name(name):
            names.setdefault(fold(name), name)
    return list(names.values())


def people_of_case(store: CaseStore, case: str) -> dict[str, Person]:
    """Everyone the case's statements name as payer or payee, with their accounts."""
    people: dict[str, Person] = {}
    totals: dict[str, list] = defaultdict(lambda: [0, 0])
    # Rows of each person's accounts in that account's own statement: those accounts first.
    own: dict[str, Counter[str]] = defaultdict(Counter)
    with store.engine.connect() as conn:
        for rid, data in records_of_kind(conn, case, "bank_row"):
            for side in ("payer", "payee"):
                name = " ".join(str(data.get(f"{side}_name") or "").split())
                if not _is_person_name(name):
                    continue
                key = fold(name)
                p = people.setdefault(key, Person(name=name))
                account = str(data.get(f"{side}_account") or "").replace(" ", "")
                if account and account not in p.accounts:
                    p.accounts.append(account)
                # A row of the account's own statement (not one where it is the other side).
                mine = bool(account) and rid.startswith(statement_prefix(account))
                if mine:
                    own[key][account] += 1
                iin = str(data.get(f"{side}_iin") or "")
                if iin_is_valid(iin) and iin not in p.iins:
                    p.iins.append(iin)
                if account and iin_is_valid(iin):
                    p.iin_of.setdefault(account, iin)
                if account and (account not in p.row_of or mine and not p.row_of[account]
                                .startswith(statement_prefix(account))):
                    p.row_of[account] = rid  # a row of the account's own statement first
                if len(p.records) < MAX_ROWS_PER_PERSON:
                    p.records.append(rid)
                try:
                    amount = float(data.get("amount") or 0)
                except ValueError:
                    amount = 0.0
                totals[key][0 if side == "payer" else 1] += amount
    for key, (paid, received) in totals.items():
        people[key].paid, people[key].received = f"{paid:.2f}", f"{received:.2f}"
        people[key].accounts.sort(key=own[key].__getitem__, reverse=True)
        people[key].own_accounts = [a for a in people[key].accounts if own[key][a]]
    return people


def find_person(store: CaseStore, case: str, name: str) -> list[Person]:
    """The people of the case `name` names (any case ending, either word order, typos)."""
    return [p for p in people_of_case(store, case).values()
            if person_span(name, p.name) or fold(name).strip() == fold(p.name)]
