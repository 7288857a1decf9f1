"""One function per use case, shared by every adapter (CLI, API, agent tools).

Each module is one use case, `(store, case, request) -> result` with pydantic models, and
imports only what that use case needs (the CLI imports a module inside the command that uses
it): `records` (a record with its source and excerpt), `trace` (from any identifier: wallet,
card, phone, IBAN, shop), `lookup`, `search`, `overview`. Adapters only render the results.
"""
