"""Tergeu's assistant layer: the use cases (`services/`) and the adapters that call them — the
`tergeu` command line (`cli/`), the HTTP API (`api/`) and the LLM agent (`agent/`) — with the
settings (`config`), users, conversations and the audit trail kept in the case database."""
