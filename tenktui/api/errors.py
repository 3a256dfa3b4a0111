"""Errors a backend raises, small enough for the UI to show and the sync engine to act on.

Every error says what happened and what to do next (``message``), carries the HTTP
status when there was one and the route *template* it concerned (``"GET
/users/{id}/time_entries"``: never a full URL, never a query string). The text of
an error never holds the API token: whatever the server echoes back is redacted
before it is stored (see :func:`tenktui.logs.redact`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any


class ApiError(Exception):
    """Base of every backend error."""

    default_message = "The server could not complete the request."

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        route: str | None = None,
        server_message: str | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.status = status
        self.route = route
        self.server_message = server_message
        super().__init__(self.message)

    def __str__(self) -> str:
        where = f" ({self.route}" + (f" → {self.status})" if self.status else ")")
        return self.message + (where if self.route else "")

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, status={self.status}, route={self.route!r})"
        )


class Unauthorized(ApiError):
    """401 or 403: the token is wrong, revoked, or may not do this."""

    default_message = (
        "The server refused the API token. Check the token in your configuration "
        "(10,000ft: Settings > Developer API)."
    )


class NotFound(ApiError):
    """404: the record (or the route) does not exist on the server."""

    default_message = "The record no longer exists on the server; refresh to drop it."


class Rejected(ApiError):
    """400 or 422: the server refused the data; ``server_message`` says why."""

    default_message = "The server rejected the change; correct it and try again."


class Conflict(ApiError):
    """409, or a stale base found by the sync engine: someone else changed the record."""

    default_message = "The record changed on the server since you edited it; review both versions."


class Unsupported(Rejected):
    """The backend, or this server's version, does not offer the feature (Leantime has no
    people's statuses or approvals; an older server may lack a method). Retrying cannot
    help, so the sync engine fails the edit with this message instead of retrying it."""

    default_message = "The server does not offer this feature."


class Throttled(ApiError):
    """Still throttled (429) after every retry; ``until`` is when the budget comes back."""

    default_message = "The server's request budget is used up; the app will retry automatically."

    def __init__(self, message: str | None = None, *, until: dt.datetime | None = None, **kw: Any):
        self.until = until
        if message is None and until is not None:
            message = (
                "The server's request budget is used up until "
                f"{until.astimezone().strftime('%H:%M:%S')}; the app will retry then."
            )
        super().__init__(message, **kw)


class ServerError(ApiError):
    """5xx, still failing after the retries."""

    default_message = "The server is having trouble; your changes are kept and will be retried."


class Offline(ApiError):
    """The server could not be reached (connection refused, DNS, timeout) after retries."""

    default_message = (
        "Cannot reach the server; working offline. Changes are kept and sent when it is back."
    )


class TlsError(ApiError):
    """The secure connection failed: the server's certificate could not be verified, or
    it does not speak TLS. Not being offline: retrying will not help, the address or
    the certificate (or a proxy intercepting TLS) must be fixed."""

    default_message = (
        "The secure connection to the server failed (a certificate problem); check the "
        "base URL, and the certificate if this is your own server."
    )


class Ambiguous(ApiError):
    """A write that may or may not have reached the server.

    Never resent blindly: the sync engine lists the record's natural key again
    and adopts the new record if it landed. It gets everything it needs here:
    ``method``, ``route`` (template), ``path`` (the concrete path, no query),
    ``payload`` (the JSON body sent) and ``sent_at`` (UTC).
    """

    default_message = (
        "The connection broke after a change was sent; it may or may not have been saved. "
        "The app will check before sending it again."
    )

    def __init__(
        self,
        message: str | None = None,
        *,
        method: str,
        path: str,
        payload: Any,
        sent_at: dt.datetime,
        **kw: Any,
    ) -> None:
        self.method = method
        self.path = path
        self.payload = payload
        self.sent_at = sent_at
        super().__init__(message, **kw)
