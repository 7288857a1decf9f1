"""Tergeu's case-data engine, no language model: the store, importers of real evidence formats,
payment-details extraction, shops, wallet tracing, account lookup, listing search, chain clients
and the demo case generator. It never imports `assistant/` or `ui/`."""
