"""tenktui.api: the backends the sync engine talks to. Never imports Textual.

- :mod:`tenktui.api.protocol`: ``Backend``, the protocol (re-exported by :mod:`tenktui.api.base`,
  with ``Capabilities`` and ``HttpBackend``, the plumbing both clients share);
- :mod:`tenktui.api.tenkft`: ``TenKftClient``, the 10,000ft implementation;
- :mod:`tenktui.records` (re-exported as ``tenktui.api.records``): typed records;
- :mod:`tenktui.api.errors`: ``ApiError`` and its kinds, each readable by people;
- :mod:`tenktui.api.governor`: the per-token rate budget, ``Priority``, ``priority()``;
- :mod:`tenktui.api.http` and :mod:`tenktui.api.paging`: the HTTP layer and collections.
"""
