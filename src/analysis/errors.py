"""Errors meant for users: the CLI prints their message, never a traceback."""

from __future__ import annotations

import errno
import re
from pathlib import Path


class UserError(Exception):
    """A problem with the user's input or config; the message says what and where."""


class FileSystemError(UserError):
    """A file-system failure (permission, read-only, disk full, ...) naming the path."""

    def __init__(self, message: str, errno_code: int | None = None, path: str | None = None):
        super().__init__(message)
        self.errno = errno_code
        self.path = path


DISK_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))

# What went wrong, by errno, in the user's words.
_REASONS = {
    errno.EACCES: "không có quyền truy cập",
    errno.EPERM: "không được phép thao tác",
    errno.EROFS: "ổ đĩa/thư mục chỉ cho đọc (read-only), không ghi được",
    errno.ENOSPC: "ổ đĩa đầy (hết chỗ trống)",
    errno.ENOENT: "không tìm thấy",
    errno.EISDIR: "là thư mục, không phải tệp",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.EEXIST: "đã tồn tại",
    errno.ENOTEMPTY: "thư mục không rỗng",
    errno.EBUSY: "đang bị chương trình khác sử dụng",
    errno.EMFILE: "mở quá nhiều tệp cùng lúc",
    errno.ENAMETOOLONG: "tên tệp quá dài",
    errno.EIO: "lỗi đọc/ghi của thiết bị",
}
if hasattr(errno, "EDQUOT"):
    _REASONS[errno.EDQUOT] = "vượt hạn mức dung lượng (quota) của ổ đĩa"

_ERRNO_TEXT = re.compile(r"\[Errno (\d+)\][^:]*(?::\s*'([^']*)'(?:\s*->\s*'([^']*)')?)?")


def os_error_reason(code: int | None) -> str:
    from analysis.i18n import t

    return t(_REASONS.get(code or -1, "lỗi hệ thống tệp"))


def fs_error(exc: OSError, path: str | Path | None = None, doing: str = "") -> FileSystemError:
    """A FileSystemError for `exc`: what went wrong and where (the exception's own path when
    it has one, else `path`, the file or folder being written or read)."""
    from analysis.i18n import t

    where = exc.filename if exc.filename is not None else path
    if isinstance(where, bytes):
        where = where.decode(errors="replace")
    other = f" → {exc.filename2}" if getattr(exc, "filename2", None) else ""
    place = f"{where}{other}" if where is not None else t("(không rõ đường dẫn)")
    reason = os_error_reason(exc.errno)
    head = (
        t("Lỗi hệ thống tệp khi {doing}: {reason}", doing=t(doing), reason=reason)
        if doing
        else t("Lỗi hệ thống tệp: {reason}", reason=reason)
    )
    hint = ""
    if exc.errno in DISK_FULL:
        hint = " " + t("Giải phóng chỗ trống trên ổ đĩa rồi chạy lại.")
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = " " + t("Kiểm tra quyền ghi của thư mục hoặc chọn thư mục khác (tùy chọn --out).")
    detail = f" ({type(exc).__name__}: {exc.strerror})" if exc.strerror else f" ({exc})"
    return FileSystemError(
        f"{head} — {place}{detail}.{hint}", exc.errno, None if where is None else str(where)
    )


def parse_os_error_text(text: str) -> tuple[int | None, str | None]:
    """errno and path of an OSError's str() ("[Errno 13] Permission denied: '/x'"), e.g. as
    reported by a notebook kernel; (None, None) when the text is not of that form."""
    m = _ERRNO_TEXT.search(text or "")
    if not m:
        return None, None
    return int(m.group(1)), m.group(2)
