"""The demo case generator: a coherent drug-trade case in real evidence formats, with its truth."""
