"""The assistant: a LangChain agent over the engine's tools, with verified citations."""
