"""Run folders of a district and year: a lock, an atomic switch, recovery and clean-up.

Layout under `outputs/<slug>/` for year Y (e.g. 2024):

    Y                     symlink to `Y.runs/<run-id>`: the results readers open
    Y.runs/<run-id>/      one folder per run; complete when its manifest.json exists
    .Y.lock               the lock: JSON with pid, host, start time, command
    failed-Y-<time>/      a failed run as it stopped, with ERROR.txt (the last KEEP_FAILED)

A run
1. takes the lock (`os.open` with O_CREAT|O_EXCL). A second run of the same district and
   year stops at once with a message naming the holder (pid, host, start, command). A lock
   whose process is dead on this host is taken over with a warning. The lock is released on
   every exit path (finally, atexit; SIGTERM is turned into an exception during a run);
2. recovers an interrupted switch: `Y` missing or dangling while a complete run folder
   exists -> `Y` points at the newest complete one again (said on stderr). A `Y` that is a
   real folder (results of an older version of the suite) is moved into `Y.runs/` first;
3. cleans up: run folders other than the one `Y` points at (dead runs' partial folders and
   replaced results), leftover temporary links, failed folders beyond the last KEEP_FAILED;
4. builds everything in a new `Y.runs/<run-id>/`, writing manifest.json last (atomically);
5. switches in one atomic step: a temporary symlink to the new folder renamed over `Y`
   (`os.replace`), then removes the replaced run folder.

So at any moment, whatever is killed when, `Y` is either the previous complete results or
the new complete ones; never a partial folder. A failed run is renamed `failed-Y-<time>`
with ERROR.txt; on a full disk (ENOSPC) its partial folder is removed instead, so a failed
run never keeps the disk full. POSIX file systems only (the symlink swap).
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import json
import os
import shutil
import signal
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from analysis.errors import DISK_FULL, UserError

KEEP_FAILED = 3  # failed run folders kept per district and year (the newest)
STALE_EMPTY_LOCK_SECONDS = 30  # an unreadable lock file older than this is a dead run's
MANIFEST = "manifest.json"


class RunLocked(UserError):
    """Another run of the same district and year holds the lock."""


def _say(message: str) -> None:
    print(message, file=sys.stderr)


# ------------------------------------------------------------------ paths
def lock_path(final: Path) -> Path:
    return final.parent / f".{final.name}.lock"


def runs_dir(final: Path) -> Path:
    return final.parent / f"{final.name}.runs"


def is_complete(run: Path) -> bool:
    return (run / MANIFEST).is_file()


def current_run(final: Path) -> Path | None:
    """The run folder `final` points at (None when `final` is missing or not a symlink)."""
    if not final.is_symlink():
        return None
    return runs_dir(final) / Path(os.readlink(final)).name


def new_run_dir(final: Path) -> Path:
    run = runs_dir(final) / f"{datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    run.mkdir(parents=True)
    return run


# ------------------------------------------------------------------ lock
def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    except OSError:
        return True
    return True


def _read_lock(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _stale(holder: dict | None, path: Path) -> bool:
    if holder is None:  # empty or corrupt: a run killed between create and write
        try:
            return time.time() - path.stat().st_mtime > STALE_EMPTY_LOCK_SECONDS
        except FileNotFoundError:
            return True
    if holder.get("host") != socket.gethostname():
        return False  # cannot tell whether a process on another machine is alive
    try:
        pid = int(holder.get("pid"))
    except (TypeError, ValueError):
        return True
    return not _pid_alive(pid)


def _describe(holder: dict | None) -> str:
    if holder is None:
        return "một lần chạy khác (tệp khóa chưa ghi xong thông tin)"
    return (
        f"tiến trình {holder.get('pid')} trên máy {holder.get('host')}, bắt đầu lúc "
        f"{holder.get('started')}, lệnh: {holder.get('command')}"
    )


def _take_over(path: Path, holder: dict | None) -> bool:
    """Move a stale lock aside; False when what was moved is no longer the stale lock (a
    concurrent run took it over first: its lock is put back)."""
    aside = path.with_name(f"{path.name}.stale-{uuid.uuid4().hex[:8]}")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return True
    try:
        moved = _read_lock(aside)
    except FileNotFoundError:
        moved = None
    if moved != holder:
        with contextlib.suppress(OSError):
            os.link(aside, path)
        with contextlib.suppress(OSError):
            os.unlink(aside)
        return False
    with contextlib.suppress(OSError):
        os.unlink(aside)
    return True


@dataclass
class RunLock:
    path: Path
    token: str
    released: bool = False

    def release(self) -> None:
        """Remove the lock file if it is still ours; the district folder too when empty."""
        if self.released:
            return
        self.released = True
        with contextlib.suppress(Exception):
            atexit.unregister(self.release)
        try:
            holder = _read_lock(self.path)
        except FileNotFoundError:
            holder = None
        if holder is not None and holder.get("token") == self.token:
            with contextlib.suppress(OSError):
                self.path.unlink()
        with contextlib.suppress(OSError):
            self.path.parent.rmdir()  # only when empty: a stopped first run leaves nothing


def acquire_lock(final: Path, what: str, command: str | None = None) -> RunLock:
    """The lock of `final`'s district and year; RunLocked naming the holder when taken.
    `what` names the district and year in messages."""
    path = lock_path(final)
    path.parent.mkdir(parents=True, exist_ok=True)
    info = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.now().isoformat(timespec="seconds"),
        "command": command or " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "token": uuid.uuid4().hex,
    }
    for _ in range(5):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                holder = _read_lock(path)
            except FileNotFoundError:
                continue  # released meanwhile: try again
            if not _stale(holder, path):
                raise RunLocked(
                    f"{what} đang được chạy bởi {_describe(holder)}. Chỉ một lần chạy cho mỗi "
                    f"huyện và năm tại một thời điểm: chờ lần chạy đó xong rồi chạy lại. Nếu "
                    f"chắc chắn không còn lần chạy nào, xóa tệp khóa {path}."
                ) from None
            if _take_over(path, holder):
                _say(
                    f"Cảnh báo: tệp khóa {path} của một lần chạy đã dừng ({_describe(holder)}) "
                    "được thay bằng khóa của lần chạy này."
                )
            continue
        try:
            os.write(fd, json.dumps(info, ensure_ascii=False).encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        lock = RunLock(path, info["token"])
        atexit.register(lock.release)
        return lock
    raise RunLocked(f"{what}: không lấy được tệp khóa {path} (nhiều lần chạy cùng lúc).")


def running(final: Path) -> str | None:
    """Who holds the lock of `final`'s district and year, in words, while that run is alive;
    None when no live run holds it (no lock, or a dead run's)."""
    path = lock_path(final)
    try:
        holder = _read_lock(path)
    except FileNotFoundError:
        return None
    return None if _stale(holder, path) else _describe(holder)


@contextlib.contextmanager
def sigterm_as_exit() -> Iterator[None]:
    """During a run, SIGTERM raises SystemExit so that clean-up and the lock release run."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _exit(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, _exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# ------------------------------------------------------------------ switch, recovery, clean-up
def _link(final: Path, run: Path) -> None:
    """Point `final` at `run` in one atomic step (temporary symlink renamed over it)."""
    tmp = final.parent / f".{final.name}.link-{uuid.uuid4().hex[:8]}"
    os.symlink(f"{runs_dir(final).name}/{run.name}", tmp)
    try:
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def switch(final: Path, run: Path) -> None:
    """Make the complete run folder `run` the results of `final`; remove the replaced one."""
    old = current_run(final)
    _link(final, run)
    if old is not None and old != run:
        remove(old)


def remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


def _legacy(final: Path, kind: str) -> list[Path]:
    """Folders of the earlier two-rename scheme: `.Y.tmp-*` (partial) and `.Y.old-*`
    (replaced results, the only copy when a run was killed between the renames)."""
    return sorted(p for p in final.parent.glob(f".{final.name}.{kind}-*") if p.is_dir())


def _exchange(a: Path, b: Path) -> None:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); OSError when the system
    or file system cannot."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    try:
        renameat2 = libc.renameat2
    except AttributeError:
        raise OSError(errno.ENOSYS, "renameat2 unavailable") from None
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a))


def _copy_file(src: str, dst: str) -> None:
    try:
        os.link(src, dst)  # same file system: no second copy of the data
    except OSError:
        shutil.copy2(src, dst)


def _migrate(final: Path) -> None:
    """A real `final` folder (earlier layout) becomes a run folder behind the symlink, with no
    moment without complete results where the system allows: copy (hard links) into a run
    folder, then swap a symlink with the folder atomically. Elsewhere two renames, whose
    interruption `recover` repairs at the next start."""
    runs = runs_dir(final)
    runs.mkdir(exist_ok=True)
    run_id = f"{datetime.now():%Y%m%d-%H%M%S}-truoc-{uuid.uuid4().hex[:6]}"
    copying = runs / f".{run_id}.copying"
    shutil.copytree(final, copying, symlinks=True, copy_function=_copy_file)
    target = runs / run_id
    os.rename(copying, target)
    tmp = final.parent / f".{final.name}.link-{uuid.uuid4().hex[:8]}"
    os.symlink(f"{runs.name}/{target.name}", tmp)
    try:
        _exchange(tmp, final)  # `final` is the symlink now, `tmp` the old folder
    except OSError:
        tmp.unlink()
        remove(target)
        os.rename(final, target)
        _link(final, target)
        return
    remove(tmp)


def recover(final: Path) -> list[str]:
    """Repair an interrupted switch (call under the lock); return what was done, in Vietnamese."""
    done: list[str] = []
    runs = runs_dir(final)
    if final.is_dir() and not final.is_symlink():  # results of the earlier layout
        _migrate(final)
        return done
    if final.exists():  # a symlink to an existing folder
        return done
    candidates = sorted(
        (p for p in runs.iterdir() if p.is_dir() and is_complete(p)), reverse=True
    ) if runs.is_dir() else []  # fmt: skip
    for old in reversed(_legacy(final, "old")):  # killed between the two earlier renames
        if is_complete(old) or any(old.iterdir()):
            runs.mkdir(exist_ok=True)
            target = runs / f"{datetime.now():%Y%m%d-%H%M%S}-khoi-phuc-{uuid.uuid4().hex[:6]}"
            os.rename(old, target)
            candidates.append(target)
            break
    if not candidates:
        if final.is_symlink():  # dangling and nothing to point at
            final.unlink()
        return done
    _link(final, candidates[0])
    done.append(
        f"Lần chạy trước bị ngắt khi đang chuyển kết quả: đã khôi phục {final} từ {candidates[0]}."
    )
    return done


def _failed_key(final: Path, p: Path) -> tuple[str, int]:
    """(time stamp, sequence) of `failed-Y-<stamp>[+n]`, the order of the failures."""
    stamp, _, n = p.name.removeprefix(f"failed-{final.name}-").partition("+")
    return stamp, int(n) if n.isdigit() else 1


def _failed(final: Path) -> list[Path]:
    pattern = f"failed-{final.name}-*"
    return sorted(
        (p for p in final.parent.glob(pattern) if p.is_dir()), key=lambda p: _failed_key(final, p)
    )


def clean(final: Path, keep_failed: int = KEEP_FAILED) -> list[str]:
    """Remove dead runs' partial folders, replaced results, leftover links and failed folders
    beyond the newest `keep_failed` (call under the lock, after `recover`)."""
    done: list[str] = []
    keep = current_run(final)
    runs = runs_dir(final)
    partial = 0
    if runs.is_dir():
        for run in runs.iterdir():
            if run != keep:
                partial += not is_complete(run)
                remove(run)
    for leftover in [*_legacy(final, "tmp"), *_legacy(final, "old")]:
        partial += leftover.name.startswith(f".{final.name}.tmp-")
        remove(leftover)
    for link in final.parent.glob(f".{final.name}.link-*"):
        remove(link)
    for stale in final.parent.glob(f".{final.name}.lock.stale-*"):
        remove(stale)
    if partial:
        done.append(f"Đã xóa {partial} thư mục chạy dở của các lần chạy bị ngắt.")
    failed = _failed(final)
    for old in failed[: max(len(failed) - keep_failed, 0)]:
        remove(old)
    return done


def keep_failed(run: Path, final: Path, error: str, keep: int = KEEP_FAILED) -> Path:
    """Rename a failed run folder `failed-Y-<time>` with ERROR.txt; prune to the last `keep`."""
    stamp = f"{datetime.now():%Y%m%d-%H%M%S}"
    same = [_failed_key(final, p)[1] for p in _failed(final) if _failed_key(final, p)[0] == stamp]
    # a later failure in the same second sorts after every earlier one, pruned or not
    name = f"failed-{final.name}-{stamp}" + (f"+{max(same) + 1}" if same else "")
    kept = final.parent / name
    os.rename(run, kept)
    with contextlib.suppress(OSError):
        (kept / "ERROR.txt").write_text(
            f"Lần chạy {run.name} thất bại lúc {datetime.now():%Y-%m-%d %H:%M:%S}.\n\n{error}\n",
            encoding="utf-8",
        )
    failed = _failed(final)
    for old in failed[: max(len(failed) - keep, 0)]:
        remove(old)
    return kept


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in DISK_FULL


def write_atomic(path: Path, text: str) -> None:
    """Write `path` so that it is either absent or complete (temporary file + os.replace)."""
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
