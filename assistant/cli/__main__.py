"""`python -m assistant.cli`: the same as the `tergeu` command."""

from assistant.cli import main

# Guarded: the processes that read statements during a large import (tools.ingest.readahead)
# import this module again under another name, and must not run the command a second time.
if __name__ == "__main__":
    main()
