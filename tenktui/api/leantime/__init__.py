"""The Leantime backend: JSON-RPC 2.0 to ``{site}/api/jsonrpc``, 3.5 to 3.9.

- :mod:`.client`: ``LeantimeClient``, the :class:`~tenktui.api.base.Backend` (thin: the
  work is in :mod:`.probe`, :mod:`.lookups`, :mod:`.people`, :mod:`.fallbacks`,
  :mod:`.tickets`, :mod:`.subtasks` and :mod:`.timesheets`, sharing a :mod:`.site`);
- :mod:`.rpc`: the JSON-RPC layer (auth header, batches, retries, error mapping);
- :mod:`.mapping`: Leantime rows as the 10,000ft-shaped payloads the store keeps;
- :mod:`.ids`: ids for (ticket, hour kind) and (project, status) from a key map.
"""

from tenktui.api.leantime.client import LeantimeClient
from tenktui.api.leantime.rpc import is_api_key

__all__ = ["LeantimeClient", "is_api_key"]
