"""The assistant's system text and answer rules, as data files (read via tools.resources)."""
