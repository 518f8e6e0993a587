"""Results kept between processes, for work every build would otherwise redo: reading fonts.

Also folders of links to chosen files (the handout's fonts), made once per set of files.

A result is stored under a key that names everything it is computed from: a file by its path,
inode, size, mtime and ctime (any write changes the ctime, which no tool can set back, so a
replaced or edited file is never answered from the store), plus a version of the computation.
Values are `marshal`led (plain dicts, tuples, numbers, strings: fast to load) into a private
folder of the temp directory, written atomically; a missing, unreadable or foreign store only
means computing again.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# marshal's format belongs to the Python version that wrote it.
_PYTHON = sys.implementation.cache_tag


def file_stamp(path: Path) -> str:
    """What identifies a file's content without reading it (see the module's docstring)."""
    stat = path.stat()
    parts = (path.resolve(), stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    return "\0".join(map(str, parts))


def remembered(kind: str, key: str, compute: Callable[[], T]) -> T:
    """The stored result for `kind` and `key`, else `compute()`'s, stored for next time."""
    folder = _folder()
    if folder is None:
        return compute()
    name = hashlib.sha256(f"{_PYTHON}\0{kind}\0{key}".encode()).hexdigest()[:32]
    path = folder / f"{kind}-{name}.marshal"
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = compute()
    try:
        temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temp.write_bytes(marshal.dumps(value))
        os.replace(temp, path)
    except (OSError, ValueError):  # a full disk or an unmarshallable value: not stored
        pass
    return value


def linked(kind: str, files: list[str]) -> Path | None:
    """A folder holding links to exactly these files (made once, then found again); None
    where links cannot be made. Links, not copies: the files are read where they are."""
    folder = _folder()
    if folder is None:
        return None
    name = hashlib.sha256("\0".join(files).encode()).hexdigest()[:32]
    target = folder / f"{kind}-{name}"
    if _complete(target, len(files)):
        return target
    temp = folder / f"{target.name}.{os.getpid()}.tmp"
    try:
        shutil.rmtree(target, ignore_errors=True)  # a temp-directory cleaner emptied it
        shutil.rmtree(temp, ignore_errors=True)
        temp.mkdir()
        for i, file in enumerate(files):  # numbered: two folders may hold the same file name
            (temp / f"{i:02d}-{Path(file).name}").symlink_to(file)
        temp.rename(target)
    except OSError:
        shutil.rmtree(temp, ignore_errors=True)
        return target if _complete(target, len(files)) else None  # another process made it
    return target


def _complete(folder: Path, count: int) -> bool:
    try:
        return len(os.listdir(folder)) == count
    except OSError:
        return False


def folder_name() -> str:
    """The name of the store's folder in the temp directory: one per user."""
    return f"slides-{os.getuid()}"


def _folder() -> Path | None:
    """The store's folder, made private; None if it is someone else's."""
    try:
        folder = Path(tempfile.gettempdir()) / folder_name()
        folder.mkdir(mode=0o700, exist_ok=True)
        stat = folder.lstat()
        if stat.st_uid != os.getuid() or stat.st_mode & 0o077 or folder.is_symlink():
            return None
        return folder
    except (OSError, AttributeError):  # no temp directory, or no uids (not POSIX)
        return None
