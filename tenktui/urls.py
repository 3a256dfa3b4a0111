"""The API base URL rule, read with the standard library: https, or plain http to loopback.

The config checks a profile's ``base_url`` when the file is read, at every start of
the app and of each command; reading it with ``httpx.URL`` would import httpx (and,
through it, click, pygments and the email package) before the first frame. This is
the early check, with the same messages; :func:`tenktui.api.http.check_base_url`
stays the one that counts, made with httpx's own parser when a client is built,
before any request carries the token.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback(host: str) -> bool:
    if host.lower() in {"localhost", "localhost."}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(base_url: str) -> str:
    """``base_url`` when it is safe to use, or a ``ValueError`` saying why not."""
    try:
        url = urlsplit(base_url)
        host = url.hostname or ""
        url.port  # noqa: B018 - a port that is not a number raises here
    except ValueError as err:
        raise ValueError(f"The API base URL cannot be read: {err}.") from None
    scheme = url.scheme.lower()
    if scheme not in {"https", "http"} or not host:
        raise ValueError(f"The API base URL must be an https:// URL, got {base_url!r}.")
    if scheme == "http" and not is_loopback(host):
        raise ValueError(
            f"Refusing plain http:// to {host}: the API token would travel unencrypted. "
            "Use an https:// URL (plain http is allowed only to localhost / 127.0.0.1 / ::1)."
        )
    if url.query or url.fragment:
        raise ValueError(
            "The API base URL must not carry a query or fragment (the token goes in a header)."
        )
    return base_url
