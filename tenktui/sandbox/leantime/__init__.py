"""The Leantime flavour of the sandbox: a JSON-RPC 2.0 emulator of ``/api/jsonrpc``.

- :mod:`.server`: ``open_leantime_sandbox`` and ``serve`` (what ``tenktui sandbox
  serve --flavor leantime`` runs); ``python -m tenktui.sandbox.leantime`` too;
- :mod:`.app`: the ASGI app (auth, 401/429, batches, faults, ``/_sandbox`` controls);
- :mod:`.rpc`: method resolution, params, errors and results by version;
- :mod:`.methods`: the service methods; :mod:`.seed`: the demo data;
- :mod:`.state` and :mod:`.db`: the site and its SQLite schema.

The choices made where Leantime's behaviour is not known are in ``README.md``.
"""
