"""Bounds on everything the engine reads from evidence or users, kept in one place.

Evidence is written by the other side (a shop controls its chat names, messages, token
contracts and the amounts they emit), so every input is bounded and checked while it streams,
before memory or time is spent on it:

- structure: nesting depth of JSON, items per file;
- text: characters analysed per record (longer text stays whole in the vault, the record says
  how much was analysed), characters of short fields (names, symbols, ids);
- amounts: integers in a token's base units up to 2^256, token decimals up to 255 (uint8),
  human-written decimals with bounded digits; no exponent notation, NaN or infinity anywhere;
- search: characters of a record indexed, window searched for a best line;
- fetching: pages followed per address.

Past a bound the file is refused with `IngestError(file, locator, reason)`, or the field is
kept raw and analysed within the bound with a note in the record; never a crash.
"""

from __future__ import annotations

# --- structure -------------------------------------------------------------------------------
# Telegram messages nest about 7 levels (chats/list/messages/text entities); chain replies a
# few more. 64 leaves room for any real export and refuses a bomb before it costs memory.
MAX_JSON_DEPTH = 64
# Bytes of one JSON value (a string, a number) in a streamed file: a Telegram message holds
# at most 4,096 characters, a chain API's values are short; longer is a forgery.
MAX_JSON_TOKEN_BYTES = 16 * 2**20
# Items (messages, transfers, rows) one file may hold; the largest real exports hold ~10^6.
MAX_ITEMS_PER_FILE = 5_000_000

# --- text ------------------------------------------------------------------------------------
# Characters of one record's text that are analysed (payment details, search, excerpts); the
# rest stays in the evidence file and the record carries `text_truncated`.
MAX_TEXT_CHARS = 1_000_000
# Names, titles, symbols and other short fields read from evidence.
MAX_FIELD_CHARS = 1_000
# A token symbol as shown and stored (the transfers table keeps symbol@contract in 100 chars).
MAX_SYMBOL_CHARS = 32

# --- amounts ---------------------------------------------------------------------------------
# A token's base units are uint256 on TRON and Ethereum.
MAX_BASE_UNITS = 2**256
# ERC-20/TRC-20 `decimals` is a uint8.
MAX_TOKEN_DECIMALS = 255
# Decimal places kept of an amount in token units; tokens with more decimals are rounded down
# to this many (the exact base units stay in `amount_raw`).
MAX_FRACTION_DIGITS = 30
# Digits before the decimal point of any amount (2^256 has 78).
MAX_INTEGER_DIGITS = 78
# Characters of a human-written amount ('1 500 000,50 ₸').
MAX_AMOUNT_CHARS = 64

# --- search ----------------------------------------------------------------------------------
# Characters of a record analysed into search tokens and embedded.
MAX_INDEXED_CHARS = 200_000
# Characters of a search query read (the embedding model reads 512 tokens at most).
MAX_QUERY_CHARS = 2_000
# Characters around the query's hits in which the best line is looked for.
BEST_LINE_WINDOW = 20_000

# --- fetching --------------------------------------------------------------------------------
# Pages followed per address when expanding a case from a chain API.
MAX_FETCH_PAGES = 50
