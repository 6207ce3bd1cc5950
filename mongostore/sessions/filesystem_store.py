"""Sessions kept in files, the cookie holding only the ID (Go's ``sessions.FilesystemStore``).

The cookie is ``encode_multi(name, ID)``; the file ``session_<ID>`` holds
``encode_multi(name, values)`` with the same codecs, so Go and Python
processes can share one directory.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import tempfile
import threading
from pathlib import Path

import securecookie
from mongostore.http import RequestLike, ResponseLike, add_set_cookie
from mongostore.sessions.base import DEFAULT_MAX_AGE, CodecStore, session_values
from mongostore.sessions.cookie import new_cookie
from mongostore.sessions.options import Options
from mongostore.sessions.session import Session

#: File name prefix of a session file (Go's).
FILE_PREFIX = "session_"
# One lock for every store, as Go's package-level fileMutex: two stores may share a directory.
_file_lock = threading.Lock()
_SEPARATORS = "".join(sorted({"/", os.sep, os.altsep or "/"}))


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
    atomically (temp file + ``os.replace``) with mode 0600.
    """

    def __init__(self, path: str | os.PathLike[str] = "", *key_pairs: bytes | None) -> None:
        self.path = Path(os.fspath(path) or tempfile.gettempdir())
        options = Options(
            path="/",
            max_age=DEFAULT_MAX_AGE,
            # Deliberate change from Go: scripts never need the session cookie.
            http_only=True,
        )
        super().__init__(key_pairs, options)

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
        """The file's content, or None when there is no such file."""
        if "\0" in session_id:
            return None  # cannot name a file; treat like a missing one
        try:
            return self.file_path(session_id).read_text(encoding="ascii", errors="replace")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

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
