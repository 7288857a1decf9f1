"""Opening the store makes every table a request may write, so no request creates one while an
import holds the store's write lock."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from assistant.case_info import metadata as case_tables
from assistant.config import Settings
from assistant.users import metadata as user_tables
from assistant.wiring import open_store


def test_a_new_store_holds_the_users_and_the_case_registry_tables(tmp_path: Path) -> None:
    store = open_store(Settings(home=tmp_path))
    held = set(inspect(store.engine).get_table_names())
    wanted = set(case_tables.tables) | set(user_tables.tables)
    assert wanted and wanted <= held, wanted - held
