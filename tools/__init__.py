"""Tergeu's case-data engine: store, importers, payment-details extraction; no language model."""
