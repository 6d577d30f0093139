"""Pseudonymise personal columns at ingest: names and ID numbers never leave this module.

`head_key` = HMAC-SHA256(key, normalised ID number), first 16 hex digits. The same
ID gives the same key every year, so the panel still links; without the key the
ID cannot be recovered or confirmed by guessing (ID numbers are few enough to
enumerate, which is why a plain hash would not do).

The key comes from the environment variable named in `config.data.pseudonym_key_env`
(at least `MIN_KEY_CHARS` characters). When it is unset, a random key is created once
per machine in `data/interim/pseudonym.key` (ignored by git) and the report warns: keys
then link years only on that machine. Offices that share data across machines set the
variable.

The machine key file is created atomically: written in full to a private (0600)
temporary file in the same folder, fsynced, then hard-linked into place, which fails
when the file exists, so a reader sees either no file or the whole key, and a process
that loses a creation race reads the winner's key. An existing key file that is empty,
too short or unreadable is an error, never silently replaced (a new key changes every
household code and breaks the links between years).

A key is identified by its fingerprint (`key_fingerprint`: a labelled SHA-256, 16 hex
digits; the key cannot be recovered from it). Each run writes the fingerprint in its
manifest.json; `key_history` reads them back, so a run whose key differs from the one
used for the district's earlier outputs says so loudly.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import stat
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import UserError
from analysis.i18n import t
from analysis.schema import PERSONAL_COLUMNS
from analysis.vietnamese import name_key

KEY_LENGTH_HEX = 16
MACHINE_KEY_FILE = Path("data") / "interim" / "pseudonym.key"
MIN_KEY_CHARS = 32
KEY_COMMAND = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'
FINGERPRINT_LABEL = b"analysis:pseudonym-key-fingerprint:v1\x00"
FINGERPRINT_HEX = 16
# a key file this young that is still short may be mid-write on a file system without
# hard links (see `_create_in_place`): wait this long for it before calling it broken
_YOUNG_SECONDS = 2.0


@dataclass(frozen=True)
class PseudonymKey:
    secret: bytes
    source: str  # "env" or the path of the per-machine key file
    warning: str = ""  # Vietnamese, for the report: env variable unset, file permissions fixed

    @property
    def fingerprint(self) -> str:
        return key_fingerprint(self.secret)


def key_fingerprint(secret: bytes) -> str:
    """16 hex digits identifying a key: SHA-256 over a fixed label and the key (not reversible)."""
    return hashlib.sha256(FINGERPRINT_LABEL + secret).hexdigest()[:FINGERPRINT_HEX]


def load_key(env_name: str, machine_key_path: Path) -> PseudonymKey:
    """The key from `env_name`, else the machine key file (created when missing).

    Raises UserError for a key from the environment shorter than `MIN_KEY_CHARS`, and for
    a key file that is empty, too short or unreadable.
    """
    value = os.environ.get(env_name, "")
    if value:
        if len(value.strip()) < MIN_KEY_CHARS:
            raise UserError(
                f"Khóa ẩn danh trong biến môi trường {env_name} quá ngắn ({len(value.strip())} "
                f"ký tự, cần ít nhất {MIN_KEY_CHARS}): khóa ngắn có thể bị dò ra, và khi đó số "
                "giấy tờ của chủ hộ có thể bị suy ngược từ mã ẩn danh. Tạo một khóa tốt bằng "
                f"lệnh: {KEY_COMMAND} rồi đặt kết quả vào biến {env_name} (giữ bí mật, không "
                "đưa vào git, dùng cùng một khóa cho mọi năm: đổi khóa thì mã hộ của các năm "
                "đã xuất không nối được với năm mới)."
            )
        return PseudonymKey(value.encode("utf-8"), "env")
    if not machine_key_path.exists():
        _create_machine_key(machine_key_path)
    secret, notes = _read_machine_key(machine_key_path)
    warning = t(
        "Chưa đặt biến môi trường {env}: mã ẩn danh chủ hộ dùng khóa riêng của máy này ({file} "
        "trong data/interim/). Mã ẩn danh chỉ nối được các năm trên cùng máy; để dùng chung giữa "
        "các máy, hãy đặt {env}.",
        env=env_name,
        file=machine_key_path.name,
    )
    return PseudonymKey(secret, str(machine_key_path), " ".join([warning, *notes]))


def _create_machine_key(path: Path) -> None:
    """Create the key file unless another process does first; never a partial file in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    content = secrets.token_hex(32).encode("ascii") + b"\n"
    tmp = path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        _write_private(tmp, content)
        try:
            os.link(tmp, path)  # atomic, and fails when the key exists: the winner's key stays
        except FileExistsError:
            return
        except OSError:
            # no hard links on this file system (FAT, some network shares): exclusive create
            # in place; a reader meanwhile waits for the young file (`_read_machine_key`)
            _create_in_place(path, content)
        _fsync_dir(path.parent)
    except OSError as exc:
        raise UserError(
            f"Không tạo được tệp khóa ẩn danh {path}: {exc.strerror or exc}. Kiểm tra quyền ghi "
            f"thư mục {path.parent.name}/, hoặc đặt khóa vào biến môi trường."
        ) from None
    finally:
        tmp.unlink(missing_ok=True)


def _write_private(path: Path, content: bytes) -> None:
    """Exclusive create with mode 0600 from the start (umask-proof), written and fsynced."""
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # a umask can only narrow 0600; this also undoes an odd one
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _create_in_place(path: Path, content: bytes) -> None:
    try:
        _write_private(path, content)
    except FileExistsError:
        return


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_machine_key(path: Path) -> tuple[bytes, list[str]]:
    """The key in `path` and warnings; UserError when it is unreadable, empty or too short."""
    deadline = time.monotonic() + _YOUNG_SECONDS
    while True:
        try:
            info = path.stat()
            data = path.read_bytes()
        except OSError as exc:
            raise UserError(
                f"Không đọc được tệp khóa ẩn danh {path.name} (trong {path.parent.name}/): "
                f"{exc.strerror or exc}. Kiểm tra quyền đọc của tệp; không xóa tệp khi chưa "
                "sao lưu, vì khóa mới đổi mọi mã hộ và cắt liên kết giữa các năm."
            ) from None
        try:
            text = data.decode("ascii").strip()
        except UnicodeDecodeError:
            text = None
        if text is not None and len(text) >= MIN_KEY_CHARS:
            break
        young = time.time() - info.st_mtime < _YOUNG_SECONDS
        if not young or time.monotonic() > deadline:
            raise UserError(_broken_key_message(path, text))
        time.sleep(0.05)  # still being written by another process
    return text.encode("ascii"), _permission_notes(path, info)


def _broken_key_message(path: Path, text: str | None) -> str:
    what = (
        "không phải một khóa (có ký tự lạ)"
        if text is None
        else "rỗng"
        if not text
        else f"quá ngắn ({len(text)} ký tự, cần ít nhất {MIN_KEY_CHARS})"
    )
    return (
        f"Tệp khóa ẩn danh {path.name} (trong {path.parent.name}/) {what}. Không tự tạo khóa "
        "mới, vì khóa mới đổi mọi mã hộ và cắt liên kết giữa các năm. Cách xử lý: khôi phục "
        "tệp từ bản sao lưu; nếu không còn bản sao, xóa tệp để tạo khóa mới (mã hộ của các "
        "năm đã xuất sẽ không nối được với các năm sau)."
    )


def _permission_notes(path: Path, info: os.stat_result) -> list[str]:
    """A key file readable by others is narrowed to 0600, with a warning."""
    mode = stat.S_IMODE(info.st_mode)
    if os.name == "nt" or not mode & 0o077:
        return []
    try:
        os.chmod(path, 0o600)
    except OSError:
        return [
            f"Tệp khóa ẩn danh {path.name} cho người khác đọc được (quyền {mode:04o}) và không "
            f"sửa được: hãy chạy 'chmod 600' cho tệp này."
        ]
    return [
        f"Tệp khóa ẩn danh {path.name} cho người khác đọc được (quyền {mode:04o}): đã sửa "
        "về 0600 (chỉ chủ tệp đọc, ghi). Nếu người khác đã có thể đọc khóa, nên đổi khóa."
    ]


def key_history(outputs_dir: Path) -> pd.DataFrame:
    """Fingerprints of the keys of the district's earlier outputs: year, fingerprint.

    `outputs_dir` is the district's output folder (`outputs/<slug>`); each year folder's
    manifest.json records the fingerprint of the key its run used.
    """
    rows = []
    if outputs_dir.is_dir():
        for child in sorted(outputs_dir.iterdir()):
            manifest = child / "manifest.json"
            if not (child.name.isdigit() and manifest.is_file()):
                continue
            try:
                found = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            fingerprint = (
                found.get("pseudonym_key_fingerprint") if isinstance(found, dict) else None
            )
            if isinstance(fingerprint, str) and fingerprint:
                rows.append((int(child.name), fingerprint))
    return pd.DataFrame(rows, columns=["year", "fingerprint"]).astype({"year": "int64"})


def key_changes(history: pd.DataFrame, fingerprint: str) -> pd.DataFrame:
    """The rows of `key_history` made with a key other than `fingerprint`."""
    return history.loc[history["fingerprint"] != fingerprint].reset_index(drop=True)


def describe_key_change(changes: pd.DataFrame, fingerprint: str) -> str:
    """The loud Vietnamese warning for a changed key; '' when the key is unchanged."""
    if changes.empty:
        return ""
    years = ", ".join(str(y) for y in sorted(changes["year"].astype(int)))
    others = ", ".join(sorted(set(changes["fingerprint"].astype(str))))
    return (
        f"CẢNH BÁO – khóa ẩn danh đã thay đổi: lần chạy này dùng khóa có dấu vân tay {fingerprint}, "
        f"khác khóa của kết quả đã xuất cho năm {years} (dấu vân tay {others}). Mã hộ tạo từ số "
        "giấy tờ chủ hộ và mã ẩn danh chủ hộ trong kết quả lần này không nối được với kết quả "
        "các năm đó: không thể đối chiếu từng hộ giữa hai lần xuất. Biến động trong lần chạy "
        "này vẫn tính trên cùng một khóa (danh sách của mọi năm được đọc lại); biến động giữa "
        "hai năm ẩn danh bằng hai khóa khác nhau thì không tính được. Nếu không chủ ý đổi "
        "khóa, hãy đặt lại đúng khóa cũ (biến môi trường, hoặc tệp khóa của máy đã chạy các "
        "năm trước) rồi chạy lại."
    )


def key_breaks(key_years: pd.DataFrame) -> list[int]:
    """Years t whose households were pseudonymised with another key than those of t - 1.

    `key_years`: year, fingerprint of the key each year's households were read with.
    Households cannot be linked across such a break, so the flows into t are not computable.
    """
    by_year = dict(zip(key_years["year"].astype(int), key_years["fingerprint"], strict=True))
    return sorted(y for y, fp in by_year.items() if y - 1 in by_year and by_year[y - 1] != fp)


def key_years_table(years: Iterable[int], key: PseudonymKey | None) -> pd.DataFrame:
    """year, fingerprint: the key each year's households were pseudonymised with."""
    rows = [(int(y), key.fingerprint) for y in sorted(set(years))] if key is not None else []
    return pd.DataFrame(rows, columns=["year", "fingerprint"]).astype({"year": "int64"})


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
