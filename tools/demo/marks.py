"""How to tell the demo generator's own files (ABOUT.txt, truth.json) from evidence.

A generated case folder holds, beside its evidence, a description and the answer key; both
are recognised by their content (not by name alone), so that `tergeu ingest D` imports the
folder as it is and a real file that happens to be called truth.json is still imported.
"""

from __future__ import annotations

import re
from pathlib import Path

ABOUT_NAME = "ABOUT.txt"
TRUTH_NAME = "truth.json"
ABOUT_FIRST_LINE = ("Tergeu demo case, scale {scale}, seed {seed}. "
                    "Generated: not real people or money.")
_ABOUT = re.compile(rb"\ATergeu demo case, scale \w+, seed \d+\. Generated: not real")
# truth.json is Truth.model_dump_json(indent=1): its first fields are the seed and the scale.
_TRUTH = re.compile(rb'\A\{\s*"seed":\s*\d+,\s*"scale":\s*"(small|medium|seed)",\s*"shops":')


def generator_file_note(path: Path) -> str | None:
    """Why `path` is skipped if it is the demo generator's own file, else None."""
    if path.name not in (ABOUT_NAME, TRUTH_NAME):
        return None
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError:
        return None
    if path.name == ABOUT_NAME and _ABOUT.match(head):
        return "the demo generator's description of the case, not evidence"
    if path.name == TRUTH_NAME and _TRUTH.match(head):
        return "the demo generator's answer key (what an investigation should find), not evidence"
    return None
