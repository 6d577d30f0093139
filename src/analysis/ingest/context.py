"""The year and commune of a file when the table does not say: folder, file name, title."""

from __future__ import annotations

import re
from pathlib import Path

from analysis.vietnamese import ascii_key

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_CODE_IN_NAME = re.compile(r"^(\d{5})(?=[_\- .]|$)")


def year_candidates(path: Path, root: Path, title: str) -> dict[str, int]:
    """{source: year} found in the title, the folders under `root`, the file name."""
    found: dict[str, int] = {}
    title_key = ascii_key(title)
    m = re.search(r"\bnam (\d{4})\b", title_key) or _YEAR.search(title_key)
    if m:
        found["tiêu đề"] = int(m.group(1))
    try:
        folders = path.parent.relative_to(root).parts
    except ValueError:
        folders = ()
    for part in reversed(folders):
        if m := re.fullmatch(r"\D*((?:19|20)\d\d)\D*", part):
            found["thư mục"] = int(m.group(1))
            break
    if m := _YEAR.search(path.stem):
        found["tên tệp"] = int(m.group(1))
    return found


def code_in_file_name(path: Path) -> str | None:
    m = _CODE_IN_NAME.match(path.stem)
    return m.group(1) if m else None
