"""Every MongoStore operation once, as a generator of database calls; the stores only run them.

A flow is a generator that yields a :class:`Call` whenever it needs the
database, is sent the call's result (or has the call's exception thrown in
at that point, so its own ``try`` blocks see it), and returns the
operation's result. The order of the calls, what each sends, the session
changes, the rollback of a failed regenerate: all of it is here, written
once. :class:`mongostore.store.MongoStore` runs a flow with blocking pymongo
calls (:func:`run_blocking`) and :class:`mongostore.aio.AsyncMongoStore`
awaits the same calls on pymongo's asyncio API (:func:`drive`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from pymongo.errors import PyMongoError

import securecookie
from mongostore import documents, lifetimes, queries, rules
from mongostore.documents import FIELD_EXPIRES, FIELD_ID, FIELD_PROVIDER, FIELD_USER
from mongostore.errors import SessionNotFoundError, TTLIndexRefusedError, note_database_error
from mongostore.lifetimes import LoadedState, SaveAction, SessionInfo
from mongostore.sessions.blocking import is_awaitable, refuse_awaitable
from mongostore.sessions.session import Session

if TYPE_CHECKING:
    from mongostore.store_base import MongoStoreBase

T = TypeVar("T")


#: One collection method call a flow needs: ``(method, args, action, subject,
#: kwargs, collect)``. ``action`` and ``subject`` say what the store was doing
#: (the error note reads ``<action> <subject!r>``, or the action alone for
#: subject None), formatted only when the call fails; ``kwargs`` None is
#: none; ``collect`` says the call returns a cursor whose documents the flow
#: wants as a list. A plain tuple, built by :func:`call`: every database call
#: of every request builds one, and a named tuple cost five times as much.
Call: TypeAlias = tuple[str, tuple[Any, ...], str, "str | None", "Mapping[str, Any] | None", bool]


def call(
    method: str,
    args: tuple[Any, ...],
    action: str,
    subject: str | None = None,
    *,
    kwargs: Mapping[str, Any] | None = None,
    collect: bool = False,
) -> Call:
    """The :data:`Call` of ``collection.<method>(*args, **kwargs)``, while doing ``action``."""
    return (method, args, action, subject, kwargs, collect)


#: A store operation: yields calls, is sent their results, returns ``T``.
Flow: TypeAlias = Generator[Call, Any, T]


def run_blocking(flow: Flow[T], collection: Any) -> T:
    """Run ``flow`` against a blocking ``collection``: make each call, send back its result.

    The blocking store's runner. :func:`drive` is the asyncio one; the two
    differ only in awaiting, and share what a call is and how its error is
    reported (:func:`invoke`, :func:`noted`). Two loops rather than one
    coroutine run without suspending: that cost every blocking operation a
    coroutine, a send and a StopIteration more (benchmarks/bench_lifetimes.py).
    A call's exception is thrown into the flow where it yielded the call.
    """
    sent: Any = None
    error: BaseException | None = None
    while True:
        try:
            request = flow.send(sent) if error is None else flow.throw(error)
        except StopIteration as stop:
            result: T = stop.value
            return result
        error = None
        try:
            sent = invoke(collection, request)
            refuse_awaitable(sent)  # an AsyncCollection put in a blocking store
            if request[5]:
                sent = list(sent)
        except BaseException as err:
            error = noted(err, request, collection)


async def drive(flow: Flow[T], collection: Any) -> T:
    """Run ``flow`` against an asyncio ``collection``: make each call, await its result.

    :func:`run_blocking`'s twin for ``AsyncCollection`` (whose methods
    return awaitables; a result that is not awaitable is used as it is).
    """
    sent: Any = None
    error: BaseException | None = None
    while True:
        try:
            request = flow.send(sent) if error is None else flow.throw(error)
        except StopIteration as stop:
            result: T = stop.value
            return result
        error = None
        try:
            sent = invoke(collection, request)
            if is_awaitable(sent):
                sent = await sent
            if request[5]:
                sent = await collect(sent)
        except BaseException as err:
            error = noted(err, request, collection)


def invoke(collection: Any, request: Call) -> Any:
    """``collection.<method>(*args, **kwargs)`` as ``request`` names it; the raw result."""
    method, args, _, _, kwargs, _ = request
    if kwargs:
        return getattr(collection, method)(*args, **kwargs)
    return getattr(collection, method)(*args)


def noted(error: BaseException, request: Call, collection: Any) -> BaseException:
    """``error``, a database error first noted with what the store was doing, and where.

    pymongo's type is kept, so callers catch what they would catch without the store.
    """
    if isinstance(error, PyMongoError):
        _, _, action, subject, _, _ = request
        note_database_error(
            error, action if subject is None else f"{action} {subject!r}", collection.full_name
        )
    return error


async def collect(cursor: Any) -> list[Any]:
    """The documents of a cursor: ``to_list()`` (awaited for an async one), else iterated."""
    to_list = getattr(cursor, "to_list", None)
    if to_list is None:
        return list(cursor)
    documents_ = to_list()
    if is_awaitable(documents_):
        documents_ = await documents_
    return list(documents_)


Client: TypeAlias = "Mapping[str, str | None] | None"


# -- Get / New ---------------------------------------------------------------


def new(store: MongoStoreBase, name: str, cookie: str | None) -> Flow[Session]:
    """The session ``name`` for a request whose cookie of that name is ``cookie``.

    No cookie: a new session, no query. A cookie or ``data`` that fails to
    decode: a new session with ``load_error`` (:meth:`StoreConfig._fresh_after`).
    No live document: a new session. Database errors propagate.
    """
    if cookie is None:
        return store._new_session(name)
    try:
        object_id = documents.cookie_object_id(
            securecookie.decode_multi(name, cookie, *store.codecs)
        )
    except securecookie.Error as err:
        return store._fresh_after(name, err)
    now = queries.now_seconds(store.now)
    query = lifetimes.live_filter(object_id, now, store.absolute_timeout)
    document = yield call("find_one", (query,), "loading session", name)
    try:
        return rules.fill_from_document(
            store._new_session(name),
            object_id,
            document,
            store.codecs,
            now=now,
            absolute_timeout=store.absolute_timeout,
        )
    except securecookie.Error as err:
        return store._fresh_after(name, err)


# -- Save --------------------------------------------------------------------------


def save(
    store: MongoStoreBase,
    session: Session,
    client: Client,
    document_max_age: int | None = None,
) -> Flow[str]:
    """Write the session's document; the Set-Cookie value to add. Max age <= 0 deletes both.

    A new session (ID "") is inserted under a fresh ObjectId; an existing one
    is updated, and raises :class:`SessionNotFoundError` if its document is
    gone. The caller adds the header only after the flow returned. ``client``
    is the client fields to record (None: none); ``document_max_age``, the
    document's own lifetime (:func:`rules.deletes`, :func:`rules.document_lifetime`).
    """
    if rules.deletes(session, document_max_age):
        yield from erase(session)
        return rules.deletion_header(session)
    return (yield from write(store, session, client, document_max_age))


def autosave(
    store: MongoStoreBase,
    session: Session,
    client: Client,
    document_max_age: int | None = None,
    *,
    options_changed: bool | None = None,
) -> Flow[tuple[SaveAction, str | None]]:
    """The implicit save: write only when needed; what it did and the Set-Cookie value, if any.

    Writes as :func:`save` when the values (nested ones included) or the
    options changed since the session was loaded; touches an unchanged
    session once more than ``touch_after`` seconds passed since its last
    write; does nothing otherwise, nor for a new session without values (no
    document, no cookie). :func:`mongostore.lifetimes.implicit_action` is the rule.
    ``document_max_age`` is :func:`save`'s, for the write and the touch alike.
    ``options_changed`` None compares the session's options with the store's;
    an integration that sets the options itself on every request (Flask, from
    its config) says False.
    """
    state = session.store_state
    if not isinstance(state, LoadedState):  # a session no MongoStore loaded or wrote
        state = None
    now = queries.now_seconds(store.now)
    fingerprint = None if state is None else lifetimes.values_fingerprint(session.values)
    deleting = rules.deletes(session, document_max_age)
    action = lifetimes.implicit_action(
        session_id=session.id,
        has_values=bool(session.values),
        deleting=deleting,
        options_changed=(
            session.options != store.options if options_changed is None else options_changed
        ),
        state=state,
        fingerprint=fingerprint,
        now=now,
        touch_after=store.touch_after,
    )
    if action is SaveAction.WRITE:
        if deleting:
            return action, (yield from save(store, session, client, document_max_age))
        return action, (
            yield from write(
                store, session, client, document_max_age, fingerprint=fingerprint, now=now
            )
        )
    if action is SaveAction.TOUCH and state is not None:
        return (
            yield from touch(store, session, state, now, client, document_max_age=document_max_age)
        )
    return SaveAction.NOTHING, None


def touch(
    store: MongoStoreBase,
    session: Session,
    state: LoadedState,
    now: int,
    client: Client,
    *,
    document_max_age: int | None = None,
) -> Flow[tuple[SaveAction, str | None]]:
    """Extend an unchanged session: expiry and ``last_seen`` only; the cookie to send again.

    A document that vanished or timed out since the load is left alone, with
    no cookie and no error (none of the session's data is lost; the next
    request starts a new session): the result is NOTHING.
    """
    planned = rules.session_touch(
        session,
        state,
        now,
        store.codecs,
        absolute_timeout=store.absolute_timeout,
        client=client,
        lifetime=document_max_age,
    )
    result = yield call(
        "update_one", (planned.match, planned.update), "touching session", session.name
    )
    if result.matched_count == 0:
        return SaveAction.NOTHING, None
    state.last_write = now
    state.created_stored = True
    return SaveAction.TOUCH, planned.header


def regenerate(
    store: MongoStoreBase, session: Session, client: Client, document_max_age: int | None = None
) -> Flow[str]:
    """Move the session to a fresh ID: insert a new document, delete the old one; the header.

    An existing session whose document is gone (signed out elsewhere,
    expired, ``expire_sessions``) raises :class:`SessionNotFoundError`, as
    :func:`save` does: nothing is written, so a revoked session is never
    brought back under a new ID. A new session (ID "") is simply inserted.
    On failure the session keeps its old ID (and the new document is deleted,
    best effort), so no cookie may be written. Max age <= 0: as :func:`save`.
    """
    if rules.deletes(session, document_max_age):
        return (yield from save(store, session, client, document_max_age))
    old_id, old_state = session.id, session.store_state
    if old_id and not (yield from is_live(store, old_id)):
        raise SessionNotFoundError(old_id)  # the common case: nothing written at all
    # Order: check, insert the new document, delete the old one, and only
    # go on if that delete removed it. Deleting first would leave a window
    # in which a concurrent expire_sessions finds neither document and the
    # insert then brings the user back; inserting first means such a
    # revocation deletes the new document too (it carries the same user), or
    # deletes the old one first, which the delete count reveals. A crash
    # between the two writes leaves an extra document whose cookie was never
    # sent: unusable, gone at its expiry or at the next expire_sessions.
    session.id = ""
    try:
        header = yield from write(store, session, client, document_max_age)
    except BaseException:
        session.id, session.store_state = old_id, old_state
        raise
    if old_id:
        try:
            old_was_live = (yield from delete_id(old_id)) > 0
        except BaseException:
            yield from undo_insert(session, old_id, old_state)
            raise
        if not old_was_live:  # revoked between the check and the delete
            yield from undo_insert(session, old_id, old_state)
            raise SessionNotFoundError(old_id)
    return header


def is_live(store: MongoStoreBase, session_id: str) -> Flow[bool]:
    """Whether the document of ``session_id`` exists and has not expired."""
    query = lifetimes.live_filter(
        queries.session_object_id(session_id),
        queries.now_seconds(store.now),
        store.absolute_timeout,
    )
    found = yield call("find_one", (query, {FIELD_ID: 1}), "loading session", session_id)
    return found is not None


def undo_insert(session: Session, old_id: str, old_state: object) -> Flow[None]:
    """Give ``session`` its old ID (and state) back; delete the document regenerate inserted."""
    new_id, session.id, session.store_state = session.id, old_id, old_state
    # Best effort: the orphan (its cookie never sent) would otherwise live until it expires.
    with contextlib.suppress(PyMongoError):
        yield from delete_id(new_id)


def write(
    store: MongoStoreBase,
    session: Session,
    client: Client,
    document_max_age: int | None = None,
    *,
    fingerprint: bytes | None = None,
    now: int | None = None,
) -> Flow[str]:
    """Insert or update the session's document; the Set-Cookie value to send after it.

    Afterwards the session's ``store_state`` is what was written, so a later
    implicit save in the same request (save-all after an explicit save) sees
    nothing new to write. ``now`` is the store clock's second when the caller
    has just read it.
    """
    planned = rules.session_write(
        session,
        queries.now_seconds(store.now) if now is None else now,
        store.codecs,
        lifetime=document_max_age,
        absolute_timeout=store.absolute_timeout,
        client=client,
        fingerprint=fingerprint,
    )
    if planned.document is not None:
        yield call("insert_one", (planned.document,), "inserting session", session.name)
        session.id = planned.session_id
    else:
        result = yield call(
            "update_one", (planned.match, planned.update), "updating session", session.name
        )
        if result.matched_count == 0:
            raise SessionNotFoundError(session.id)
    session.store_state = planned.state
    return planned.header


def erase(session: Session) -> Flow[None]:
    """Delete the session's document (nothing to do for a session never saved)."""
    if not session.id:
        return
    yield from delete_id(session.id)
    # The ID is dead; a later save of this object inserts a fresh one.
    session.id = ""


def delete_id(session_id: str) -> Flow[int]:
    """Delete the document of ``session_id``, live or not; how many were deleted (0 or 1)."""
    object_id = queries.session_object_id(session_id)
    result = yield call("delete_one", (queries.id_filter(object_id),), "deleting a session")
    return int(result.deleted_count)


# -- A user's sessions ------------------------------------------------------------


def list_sessions(store: MongoStoreBase, user: Any) -> Flow[list[SessionInfo]]:
    """The live sessions of ``user``, newest first (an indexed query; never the data)."""
    now = queries.now_seconds(store.now)
    found = yield call(
        "find",
        (
            lifetimes.user_sessions_filter(user, now, store.absolute_timeout),
            lifetimes.info_projection(),
        ),
        "listing the sessions of a user",
        kwargs={"sort": list(lifetimes.INFO_SORT)},
        collect=True,
    )
    max_age = store.options.max_age
    return [lifetimes.session_info(document, max_age) for document in found]


def revoke(session_id: str, user: Any = None) -> Flow[bool]:
    """End the session ``session_id`` (of ``user`` when given); True if there was one.

    An ID that is not 24 hex digits names no session: False, no query.
    """
    object_id = documents.object_id_from_hex(session_id)
    if object_id is None:
        return False
    result = yield call(
        "delete_one", (lifetimes.revoke_filter(object_id, user),), "revoking a session"
    )
    return int(result.deleted_count) > 0


def expire_sessions_except(user: Any, keep_session_id: str) -> Flow[int]:
    """End every session of ``user`` but ``keep_session_id`` ("" keeps none); the count.

    Any other ``keep_session_id`` that is not an ObjectId raises
    :class:`~mongostore.errors.InvalidSessionIdError` rather than ending the
    caller's own session too.
    """
    keep = queries.session_object_id(keep_session_id) if keep_session_id else None
    result = yield call(
        "delete_many",
        (lifetimes.except_filter(user, keep),),
        "expiring the other sessions of a user",
    )
    return int(result.deleted_count)


# -- Maintenance -----------------------------------------------------------------


def expire_sessions(user: Any, provider: Any) -> Flow[int]:
    """Delete every session of ``user`` at ``provider`` (log out everywhere); the count."""
    query = queries.user_provider_filter(user, provider)
    result = yield call("delete_many", (query,), "expiring the sessions of a user")
    return int(result.deleted_count)


def expire_sessions_by_user_ids(ids: Iterable[Any]) -> Flow[int]:
    """Delete every session whose ``user`` is one of ``ids``; the count (no query for none)."""
    query = queries.user_ids_filter(ids)
    if query is None:
        return 0
    result = yield call("delete_many", (query,), "expiring the sessions of users")
    return int(result.deleted_count)


def get_active_sessions_count(store: MongoStoreBase) -> Flow[int]:
    """How many sessions have not expired (``expires > now``)."""
    query = queries.live_sessions_filter(queries.now_seconds(store.now))
    return int((yield call("count_documents", (query,), "counting active sessions")))


def clean(store: MongoStoreBase) -> Flow[int]:
    """Delete every expired session (``expires <= now``); the count deleted."""
    query = queries.expired_filter(queries.now_seconds(store.now))
    result = yield call("delete_many", (query,), "deleting expired sessions")
    return int(result.deleted_count)


def ensure_indexes(full_name: str, *, ttl: bool, force_ttl: bool) -> Flow[list[str]]:
    """Create the store's indexes (idempotent) in collection ``full_name``; their names.

    A TTL index on ``expires_at`` lets the server delete expired sessions
    itself; ``expires`` serves the live-session filters and the cleaner;
    ``user`` + ``provider`` serves ``expire_sessions``; ``user`` + ``created``
    serves ``list_sessions`` (filter and sort) and ``expire_sessions_except``. ``ttl=False`` leaves
    the TTL index out, for collections that Go services write too: Go never
    updates ``expires_at``, so the TTL index could delete a session Go has
    extended (README, "Sharing sessions"). When the collection already holds
    a document without ``expires_at`` (one a Go-style store wrote), asking
    for the TTL index raises :class:`TTLIndexRefusedError` before any index
    is built, unless ``force_ttl=True``.
    """
    if ttl and not force_ttl:
        foreign = yield call(
            "find_one",
            ({documents.FIELD_EXPIRES_AT: {"$exists": False}}, {FIELD_ID: 1}),
            "looking for documents without expires_at",
        )
        if foreign is not None:
            raise TTLIndexRefusedError(full_name)
    specs: list[tuple[list[tuple[str, int]], dict[str, Any]]] = [
        ([(FIELD_EXPIRES, 1)], {}),
        ([(FIELD_USER, 1), (FIELD_PROVIDER, 1)], {}),
        (list(lifetimes.USER_SESSIONS_INDEX), {}),
    ]
    if ttl:
        specs.insert(0, ([(documents.FIELD_EXPIRES_AT, 1)], {"expireAfterSeconds": 0}))
    names = []
    for keys, options in specs:
        names.append(
            str((yield call("create_index", (keys,), "creating an index", kwargs=options)))
        )
    return names
