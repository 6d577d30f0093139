"""Patterns no text a reader sees may contain: internal ids, unfilled ellipses, raw names."""

from __future__ import annotations

import re

# T1, T8a, ... as words in prose (the plan's internal target ids)
TARGET_ID = re.compile(r"\bT\d+[a-z]?\b")
ELLIPSIS = re.compile(r"…|\.\.\.")
# snake_case identifiers (column names, table names, run_dir) and internal words
RAW_NAME = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
INTERNAL_WORDS = re.compile(r"\b(?:audit|run[ _]dir|scorecard|verdicts?|dataframe|parquet)\b", re.I)
RULES = {
    "target id": TARGET_ID,
    "ellipsis": ELLIPSIS,
    "raw column name": RAW_NAME,
    "internal word": INTERNAL_WORDS,
}


def violations(text: str) -> list[str]:
    """'rule: match (context)' for every forbidden pattern found in `text`."""
    found = []
    for rule, pattern in RULES.items():
        for m in pattern.finditer(text):
            context = text[max(0, m.start() - 40) : m.end() + 40].replace("\n", " ")
            found.append(f"{rule}: {m.group(0)!r} in …{context}…")
    return found
