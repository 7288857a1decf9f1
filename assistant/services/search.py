"""Searching listings and shop messages with filters, each hit cited."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tools.search.index import Mode, SearchFilters, SearchIndex, SearchResult


class SearchRequest(BaseModel):
    text: str = Field(min_length=1, description="What to look for, as people write it")
    filters: SearchFilters = Field(default_factory=SearchFilters)
    mode: Mode = "hybrid"
    limit: int = Field(default=10, ge=1, le=100, description="How many hits")


def search(index: SearchIndex, req: SearchRequest) -> SearchResult:
    """Top hits for the request. Indexing new records is the caller's choice: the CLI does it
    first, the API after an upload, in the background. A search never waits for indexing: it
    answers from what is indexed and says how far indexing is (`SearchResult.indexing`)."""
    return index.search(req.text, req.filters, k=req.limit, mode=req.mode, wait=False)
