"""The case store: SQL tables for evidence files, records, transfers and payment details."""

from tools.store.db import connect_store
from tools.store.repository import CaseStore

__all__ = ["CaseStore", "connect_store"]
