"""Pseudonymise personal columns at ingest: names and ID numbers never leave this module.

`head_key` = HMAC-SHA256(key, normalised ID number), first 16 hex digits. The same
ID gives the same key every year, so the panel still links; without the key the
ID cannot be recovered or confirmed by guessing (ID numbers are few enough to
enumerate, which is why a plain hash would not do).

The key comes from the environment variable named in `config.data.pseudonym_key_env`.
When it is unset, a random key is created once per machine in
`data/interim/pseudonym.key` (ignored by git) and the report warns: keys then link
years only on that machine. Offices that share data across machines set the variable.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.schema import PERSONAL_COLUMNS
from analysis.vietnamese import name_key

KEY_LENGTH_HEX = 16
MACHINE_KEY_FILE = Path("data") / "interim" / "pseudonym.key"


@dataclass(frozen=True)
class PseudonymKey:
    secret: bytes
    source: str  # "env" or the path of the per-machine key file
    warning: str = ""  # Vietnamese, for the report, when the env variable is unset


def load_key(env_name: str, machine_key_path: Path) -> PseudonymKey:
    value = os.environ.get(env_name, "")
    if value:
        return PseudonymKey(value.encode("utf-8"), "env")
    if not machine_key_path.exists():
        machine_key_path.parent.mkdir(parents=True, exist_ok=True)
        machine_key_path.write_text(secrets.token_hex(32), encoding="ascii")
        machine_key_path.chmod(0o600)
    secret = machine_key_path.read_text(encoding="ascii").strip().encode("ascii")
    warning = (
        f"Chưa đặt biến môi trường {env_name}: mã ẩn danh chủ hộ dùng khóa riêng của máy này "
        f"({machine_key_path.name} trong data/interim/). Mã ẩn danh chỉ nối được các năm trên "
        f"cùng máy; để dùng chung giữa các máy, hãy đặt {env_name}."
    )
    return PseudonymKey(secret, str(machine_key_path), warning)


def normalize_id(value: object) -> str | None:
    """Digits of an ID number ('001 085.012345' -> '001085012345'); None when there are none.

    A spreadsheet that stored the number as a number dropped its leading zero (every
    CCCD starts with the 0-prefixed province code): 11 or 8 digits get it back, so the
    same person gets the same key whichever way a year's file stored the number.
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = re.sub(r"\D", "", str(value))
    if len(digits) in (8, 11):  # a 9-digit CMND or 12-digit CCCD stored as a number lost its 0
        digits = "0" + digits
    return digits or None


def pseudonym(normalized_id: str, key: PseudonymKey) -> str:
    digest = hmac.new(key.secret, normalized_id.encode("ascii"), hashlib.sha256).hexdigest()
    return digest[:KEY_LENGTH_HEX]


def pseudonymize(frame: pd.DataFrame, key: PseudonymKey) -> pd.DataFrame:
    """Add `head_key` from `head_id_number` and drop every personal column."""
    out = frame.drop(columns=[c for c in PERSONAL_COLUMNS if c in frame.columns])
    if "head_id_number" in frame.columns:
        ids = frame["head_id_number"].map(normalize_id)
        keys = ids.map(lambda v: pseudonym(v, key) if isinstance(v, str) else None)
    else:
        keys = pd.Series(None, index=frame.index, dtype=object)
    out["head_key"] = keys.astype("string")
    return out


def derived_household_ids(raw: pd.DataFrame, communes: pd.Series, key: PseudonymKey) -> pd.Series:
    """Household codes for lists that give none: a keyed pseudonym of the head's ID number,
    else of the commune, village and head's name. Stable across years under the same key,
    and revealing nothing of the person; None where neither ID nor name is written."""
    ids = raw["head_id_number"].map(normalize_id) if "head_id_number" in raw else None
    names = (
        raw["head_name"].map(
            lambda v: name_key(str(v)) if isinstance(v, str) and v.strip() else None
        )
        if "head_name" in raw
        else pd.Series(None, index=raw.index, dtype=object)
    )
    villages = (
        raw["village"].map(lambda v: name_key(str(v)) if v is not None else "")
        if "village" in raw
        else ""
    )
    by_name = "ten:" + communes.fillna("").astype(str) + "|" + villages + "|" + names.fillna("")
    basis = by_name.where(names.notna(), None)
    if ids is not None:
        basis = ("so:" + ids.astype("string")).where(ids.notna(), basis)

    def one(text: object) -> str | None:
        if not isinstance(text, str):
            return None
        digest = hmac.new(key.secret, text.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"HK{digest[:12]}"

    return basis.map(one)
