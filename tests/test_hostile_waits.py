"""Issue 11, item 3: every wait is bounded.

A body trickled a byte at a time no longer holds a request (the whole answer has a
deadline), and a server answering ``Retry-After: 999999999`` to everything no longer
blocks ``tenktui log``: it returns, the edit stays queued, and it says until when the
server is throttling.
"""

from __future__ import annotations

import json

import pytest

from tests import test_cli_helpers as helpers
from tests.conftest import TOKEN, RunningSandbox
from tests.hostile import Exchange, HostileProxy, Reply
from tests.test_cli_helpers import ME_EMAIL, Cli

cli = helpers.cli  # the shared fixture, bound for pytest

EMPTY_PAGE = json.dumps({"data": [], "paging": {"next": None}}).encode()


async def test_a_trickled_answer_is_cut_at_the_whole_response_deadline(hostile_rig: tuple) -> None:
    rig, proxy = hostile_rig
    rig.client.http.response_deadline = 0.5
    before = rig.local()
    # An empty window, a few seconds long when trickled: waited for, it would wipe the
    # person's cached week; cut at the deadline, the week stays as it was.
    proxy.mangle(
        lambda ex, r: (
            Reply(200, EMPTY_PAGE, {"Content-Type": "application/json"}, trickle=0.1)
            if ex.method == "GET" and ex.route.endswith("/time_entries")
            else None
        )
    )
    await rig.engine.sync_once(reference=False)
    assert rig.engine.state.kind == "offline"
    assert "ReadTimeout" in (rig.engine.state.message or "")
    assert rig.local() == before


def throttle_everything(ex: Exchange, reply: Reply) -> Reply:
    return Reply.of_json(429, {"message": "slow down"}, **{"Retry-After": "999999999"})


@pytest.mark.slow
def test_log_returns_with_the_edit_queued_and_says_until_when(
    cli: Cli, fresh_server: RunningSandbox
) -> None:
    with HostileProxy(fresh_server.root) as proxy:
        cli.ok(
            "login", "--base-url", proxy.root + "/api/v1", "--email", ME_EMAIL,
            env={"TENKTUI_TOKEN": TOKEN},
        )  # fmt: skip
        cli.ok("sync")
        proxy.mangle(throttle_everything)
        # The CLI rig's own 120 s guard fails this if the command waits the throttle out.
        result = cli.json("log", "1.5", "web/des", "--notes", "throttled")
        assert result["sync"] == "queued"
        assert "used up until" in result["message"]
        assert [row["state"] for row in cli.outbox()] in (["pending"], ["sending"])
        proxy.clear()
        cli.ok("sync")
        assert cli.outbox() == []
