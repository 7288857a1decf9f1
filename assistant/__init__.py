"""Tergeu's assistant layer: configuration, command line (and later the agent and its API)."""
