"""Importers of evidence files: format detection, parsers of real formats, the import pipeline."""
