"""Tergeu over the Model Context Protocol (`tergeu mcp`): see `assistant.mcp.server`."""
