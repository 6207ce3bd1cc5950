"""Sessions kept in files, the cookie holding only the ID (Go's ``sessions.FilesystemStore``).

The cookie is ``encode_multi(name, ID)``; the file ``session_<ID>`` holds
``encode_multi(name, values)`` with the same codecs, so Go and Python
processes can share one directory.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import os
import secrets
import stat
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import securecookie
from mongostore.http import RequestLike, ResponseLike, add_set_cookie
from mongostore.sessions.base import CodecStore, default_options, session_values
from mongostore.sessions.cookie import new_cookie
from mongostore.sessions.session import Session

#: File name prefix of a session file (Go's).
FILE_PREFIX = "session_"
# One lock for every store, as Go's package-level fileMutex: two stores may share a directory.
_file_lock = threading.Lock()
_SEPARATORS = "".join(sorted({"/", os.sep, os.altsep or "/"}))


# Open a session file for reading: never through a symlink (ELOOP instead), never
# waiting on a FIFO or device, never leaking the descriptor into a child process.
_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
# What opening a planted or absent path fails with: no file, a symlink (ELOOP),
# a path through a non-directory, a directory, a socket or FIFO without a peer.
_MISSING_ERRNOS = frozenset(
    {errno.ENOENT, errno.ELOOP, errno.ENOTDIR, errno.EISDIR, errno.ENXIO, errno.EOPNOTSUPP}
)


def _is_own_file(stat_call: Callable[[Any], os.stat_result], target: Any) -> bool:
    """Whether ``target`` is a regular file of ours with a single link (how we write them)."""
    try:
        info = stat_call(target)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and info.st_nlink == 1


def new_session_id() -> str:
    """32 random bytes in base32 without padding: 52 characters of [A-Z2-7] (Go's ID)."""
    return base64.b32encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")


def _last_path_element(session_id: str) -> str:
    """The last path element of an ID (Go's ``filepath.Base``, the gorilla 1.3 traversal fix).

    A forged or odd ID can therefore never name a file outside the store's
    directory; it is not an error, exactly as in gorilla.
    """
    trimmed = session_id.rstrip(_SEPARATORS)
    if not trimmed:
        return "." if not session_id else ""
    for sep in _SEPARATORS:
        trimmed = trimmed.rsplit(sep, 1)[-1]
    return trimmed


class FilesystemStore(CodecStore):
    """Session values in files under ``path`` ("" means the system temp directory).

    Defaults: path "/", max age 30 days, HttpOnly. Files are written
    atomically (temp file + ``os.replace``) with mode 0600. In production
    ``path`` should be a private directory (mode 0700, owned by the app's
    user): whoever can write to it can delete sessions or plant files, which
    reads then treat as missing sessions (see ``_read``).
    """

    def __init__(self, path: str | os.PathLike[str] = "", *key_pairs: bytes | None) -> None:
        self.path = Path(os.fspath(path) or tempfile.gettempdir())
        super().__init__(key_pairs, default_options())

    def file_path(self, session_id: str) -> Path:
        """Where the values of ``session_id`` live (only its last path element counts)."""
        return self.path / (FILE_PREFIX + _last_path_element(session_id))

    def _load(self, name: str, cookie: str) -> Session:
        """The session whose file the cookie's ID names.

        A cookie whose file is gone gives a new session with ID "", so the
        old ID is never revived. An unreadable file (permissions, I/O) is the
        server's fault and raises its ``OSError``.
        """
        session_id = securecookie.decode_multi(name, cookie, *self.codecs)
        if not isinstance(session_id, str):
            raise securecookie.errors.decode_error(
                f"session ID must decode to a string, got {type(session_id).__name__}"
            )
        encoded = self._read(session_id)
        session = self._new_session(name)
        if encoded is None:
            return session
        session.values = session_values(securecookie.decode_multi(name, encoded, *self.codecs))
        session.id = session_id
        session.is_new = False
        return session

    def save(self, request: RequestLike, response: ResponseLike, session: Session) -> None:
        """Write the values file and the ID cookie; max age <= 0 deletes both.

        A new session gets a fresh random ID on its first save.
        """
        if session.options.max_age <= 0:
            self._erase(session.id)
            add_set_cookie(response, new_cookie(session.name, "", session.options))
            return
        session_id = session.id or new_session_id()
        encoded_values = securecookie.encode_multi(session.name, session.values, *self.codecs)
        encoded_id = securecookie.encode_multi(session.name, session_id, *self.codecs)
        header = new_cookie(session.name, encoded_id, session.options)
        self._write(session_id, encoded_values)
        # The ID is kept only once its file exists.
        session.id = session_id
        add_set_cookie(response, header)

    def _read(self, session_id: str) -> str | None:
        """The file's content, or None when there is no session file.

        Only a regular file owned by this process's user, with no other hard
        link, counts as a session file: whatever else sits at the path was
        planted by someone who can write to the directory (a symlink to
        another user's session, a FIFO to hang the worker, a hard link) and
        behaves like a missing file. The file is opened without following a
        symlink and without blocking, then checked on the open descriptor, so
        nothing can be swapped in between the check and the read.
        """
        if "\0" in session_id:
            return None  # cannot name a file; treat like a missing one
        path = self.file_path(session_id)
        try:
            fd = os.open(path, _READ_FLAGS)
        except OSError as err:
            if err.errno in _MISSING_ERRNOS:
                return None
            if isinstance(err, PermissionError) and not _is_own_file(os.lstat, path):
                return None  # someone else's unreadable file: planted
            raise
        try:
            if not _is_own_file(os.fstat, fd):
                return None
            chunks = []
            while chunk := os.read(fd, 1 << 16):
                chunks.append(chunk)
        finally:
            os.close(fd)
        return b"".join(chunks).decode("ascii", errors="replace")

    def _write(self, session_id: str, content: str) -> None:
        target = self.file_path(session_id)
        with _file_lock:
            # mkstemp creates the file with mode 0600 in the same directory,
            # so os.replace is an atomic rename: readers never see a torn file.
            fd, temp_name = tempfile.mkstemp(prefix=".tmp-session_", dir=self.path)
            try:
                with os.fdopen(fd, "w", encoding="ascii") as handle:
                    handle.write(content)
                os.replace(temp_name, target)
            except BaseException:
                Path(temp_name).unlink(missing_ok=True)
                raise

    def _erase(self, session_id: str) -> None:
        # Deleting a session that has no file is not an error (Go's returns one).
        if not session_id or "\0" in session_id:
            return
        missing = (FileNotFoundError, IsADirectoryError, NotADirectoryError)
        with _file_lock, contextlib.suppress(*missing):
            self.file_path(session_id).unlink()
