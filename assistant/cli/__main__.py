"""`python -m assistant.cli`: the same as the `tergeu` command."""

from assistant.cli import main

main()
