"""The config's early base-URL check (standard library) agrees with the client's
(httpx's parser), which still runs before any request carries the token."""

from __future__ import annotations

import pytest

from tenktui.api.http import check_base_url as client_check
from tenktui.urls import check_base_url

URLS = [
    "https://api.rm.smartsheet.com/api/v1",
    "https://example.com:8443/api/v1/",
    "http://127.0.0.1:8000/api/v1",
    "http://localhost/api/v1",
    "http://[::1]:9000/api/v1",
    "HTTP://LOCALHOST/api/v1",
    "http://example.com/api/v1",
    "http://127.0.0.1@evil.example/api/v1",
    "http://127.0.0.2.evil.example/",
    "ftp://example.com/api/v1",
    "https://",
    "example.com/api/v1",
    "https://example.com/api/v1?token=x",
    "https://example.com/api/v1#top",
]


@pytest.mark.parametrize("url", URLS)
def test_the_early_check_agrees_with_the_client(url: str) -> None:
    def verdict(check) -> str:  # type: ignore[no-untyped-def]
        try:
            check(url)
        except ValueError as err:
            return "refused: " + str(err).split(":")[0]
        return "accepted"

    assert verdict(check_base_url) == verdict(client_check)


def test_plain_http_elsewhere_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"Refusing plain http:// to evil\.example"):
        check_base_url("http://127.0.0.1@evil.example/api/v1")
