"""Which Leantime the key talks to and whom it acts as, asked once per client.

One batch asks ``Api.Config.getSystemInfo`` (missing before 3.9: the server is then
"not modern") and ``Users.getUser`` without an id (the caller; before 3.8 that needs
``Auth.getUserId`` first). From 3.9 a caller without the manager role logs only its
own time, and an API key is a user of its own: :meth:`Identity.check_can_log_for`
refuses before a write would land on the wrong person.
"""

from __future__ import annotations

from tenktui.api.errors import ApiError, Rejected, ServerError, Unauthorized, Unsupported
from tenktui.api.governor import Priority
from tenktui.api.leantime import mapping as m
from tenktui.api.leantime.rpc import Call, JsonRpc
from tenktui.api.records import User

# Leantime's role number from which a caller holds timesheets.manage (logs for others).
MANAGER = 30


class Identity:
    """The server's version and the key's own user, known after the first probe."""

    def __init__(self, rpc: JsonRpc) -> None:
        self.rpc = rpc
        self.version: str | None = None  # None: 3.8 or older
        self.me: m.Row | None = None
        self._probed = False

    async def probe(self) -> None:
        """Version and who the key acts as, in one request (plus one on old servers)."""
        if self._probed:
            return
        info, me = await self.rpc.batch(
            [Call("Api.Config.getSystemInfo"), Call("Users.getUser", {})],
            priority=Priority.VISIBLE,
        )
        if isinstance(info, Unsupported):
            self.version = None  # 3.8 or older
        elif isinstance(info, ApiError):
            raise info
        else:
            self.version = str(info.get("version")) if isinstance(info, dict) else None
        if isinstance(me, Rejected):  # -32602 (id required) or -32601: before 3.8
            user_id = await self.rpc.call("Auth.getUserId")
            me = await self.rpc.call("Users.getUser", {"id": int(user_id)})
        elif isinstance(me, ApiError):
            raise me
        if not isinstance(me, dict) or "id" not in me:
            raise ServerError("Leantime did not say which user the key belongs to.")
        self.me = me
        self._probed = True

    async def server_version(self) -> str | None:
        """The version ``getSystemInfo`` reports; ``None`` for 3.8 and older."""
        await self.probe()
        return self.version

    @property
    def modern(self) -> bool:
        """3.9 or later (known after the first request)."""
        return self.version is not None

    async def whoami(self) -> User:
        """The user the key or token acts as (an API key is a user of its own)."""
        await self.probe()
        assert self.me is not None
        return User.from_api(m.user(self.me))

    @property
    def my_role(self) -> int | None:
        return m.as_int((self.me or {}).get("role"))

    async def check_can_log_for(self, user: User) -> None:
        """``Unauthorized`` when this token's hours would not land on ``user``: from 3.9,
        logTime and upsertTime replace ``userId`` by the caller's own unless the caller
        holds timesheets.manage (manager and above), and an API key is a user of its own."""
        me = await self.whoami()
        if not self.modern or me.id == user.id:
            return
        role = self.my_role
        if role is not None and role < MANAGER:
            label = m.ROLES.get(role, str(role))
            raise Unauthorized(
                f"This API key has the {label} role: Leantime would log its hours on the "
                f"key's own account, not on {user.email or user.name}'s. Use a key with a "
                "higher role (manager or above), or your personal access token.",
                route="RPC Timesheets.upsertTime",
            )
