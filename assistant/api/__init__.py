"""Tergeu's HTTP API (FastAPI): cases, records with their evidence, trace, lookup, search."""
