"""Leantime's users as the people time is read and written for.

From 3.9 only admins may read the roster (``Users.getAll``): anyone else sees the
members of their own projects. The person is the one whose username is the
profile's email, else the key's own user.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from tenktui.api.errors import ApiError, NotFound, Unauthorized, Unsupported
from tenktui.api.governor import Priority
from tenktui.api.leantime import mapping as m
from tenktui.api.leantime.probe import Identity
from tenktui.api.leantime.rpc import Call, JsonRpc
from tenktui.api.records import User, parse_record

log = logging.getLogger("tenktui.api")


class People:
    """Users by email and by id, and which of them is the person (cached)."""

    def __init__(self, rpc: JsonRpc, identity: Identity, email: str | None) -> None:
        self.rpc = rpc
        self.identity = identity
        self.email = email
        self._user_id: int | None = None
        self._by_email: dict[str, User] = {}

    async def visible_users(self) -> list[m.Row]:
        """Every user the caller may see: the roster (``Users.getAll``, admins only where
        3.9 enforces permissions), else the members of the caller's own projects."""
        try:
            rows = await self.rpc.call(
                "Users.getAll", {"activeOnly": False}, priority=Priority.BACKGROUND
            )
            return [r for r in rows or [] if isinstance(r, dict) and "id" in r]
        except (Unauthorized, Unsupported) as refused:
            log.info("no user roster (%s); using the caller's projects' members", refused.route)
        me = await self.identity.whoami()
        projects = await self.rpc.call(
            "Projects.getProjectsAssignedToUser",
            {"userId": me.id, "projectStatus": "all"},
            priority=Priority.BACKGROUND,
        )
        ids = sorted({int(p["id"]) for p in projects or [] if isinstance(p, dict)})
        found: dict[int, m.Row] = {}
        own = self.identity.me
        assert own is not None
        if own.get("source") != "api":
            found[me.id] = own
        if ids:
            members = await self.rpc.batch(
                [Call("Projects.getUsersAssignedToProject", {"projectId": p}) for p in ids],
                priority=Priority.BACKGROUND,
            )
            for answer in members:
                if isinstance(answer, ApiError):  # a project the caller may not read: skip
                    continue
                for row in answer or []:
                    user_id = m.as_id(row.get("id")) if isinstance(row, dict) else None
                    if user_id is not None:
                        found.setdefault(user_id, row)
        return [found[k] for k in sorted(found)]

    async def resolve_user(self, email: str) -> User:
        """The Leantime user whose username is this email: the token's own user (a
        personal access token is the person), else one of the users the caller may see.
        Time is then read and written for that person."""
        key = email.strip().casefold()
        cached = self._by_email.get(key)
        if cached is not None:
            return cached
        me = await self.identity.whoami()
        found: User | None = me if (me.email or "").strip().casefold() == key else None
        if found is None:
            for row in await self.visible_users():
                if str(row.get("username", "")).casefold() == key:
                    found = User.from_api(m.user(row))
                    break
        if found is None:
            raise NotFound(
                f"No Leantime user this key may see has the username {email!r}, and the key "
                f"acts as {me.name!r}. Check the email in your configuration, or use your "
                "personal access token.",
                route="RPC Users.getAll",
            )
        self._by_email[key] = found
        self._user_id = found.id
        return found

    async def get_user(self, user_id: int) -> User:
        row = await self.rpc.call("Users.getUser", {"id": user_id})
        if not isinstance(row, dict):
            raise NotFound(f"Leantime has no user {user_id}.", route="RPC Users.getUser")
        return User.from_api(m.user(row))

    async def iter_users(self, *, with_archived: bool = False) -> AsyncIterator[User]:
        try:
            rows = await self.visible_users()
        except Unsupported:
            await self.identity.probe()
            rows = [self.identity.me] if self.identity.me is not None else []
        for row in rows:
            user = parse_record(User, m.user(row), "RPC Users")
            if user is not None and (with_archived or not user.archived):
                yield user

    async def person(self) -> int:
        """The person time is read and written for: the one resolved by email (the
        profile's, when given), else the key's own user."""
        if self._user_id is None:
            if self.email:
                return (await self.resolve_user(self.email)).id
            self._user_id = (await self.identity.whoami()).id
        return self._user_id

    async def user(self, user_id: int) -> User:
        """The user time is written for, known without a request when it is the token's
        own or the one resolved by email."""
        me = await self.identity.whoami()
        if user_id == me.id:
            return me
        known = next((u for u in self._by_email.values() if u.id == user_id), None)
        return known or await self.get_user(user_id)
