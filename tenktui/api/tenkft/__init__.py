"""The 10,000ft (Smartsheet Resource Management) backend."""

from tenktui.api.tenkft.client import DEFAULT_BASE_URL, TenKftClient

__all__ = ["DEFAULT_BASE_URL", "TenKftClient"]
