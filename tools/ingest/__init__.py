"""Importers of evidence files: format detection, parsers of real formats, the import pipeline."""

# The format names `--format` and detection use; here, not in formats.py, so that naming them
# (in the CLI's help) loads no parser.
FORMATS = (
    "trongrid_trc20", "trongrid_transactions", "tronscan_transfers", "etherscan_json",
    "etherscan_csv", "esplora", "telegram_chat", "telegram_export", "bank_statement",
    "listings", "listings_jsonl", "tagpack",
)
