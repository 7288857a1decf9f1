"""Listing and message search: slang-aware BM25 and multilingual embeddings in Chroma, fused."""
