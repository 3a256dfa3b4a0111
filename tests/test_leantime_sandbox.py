"""The Leantime sandbox's protocol behaviour, in process, for 3.8 and 3.9 (and 3.5 where
the oldest variants matter). Also home of the helpers the other Leantime tests import:
``LeantimeServer`` / ``start_leantime`` (a real server subprocess) and the keys."""

from __future__ import annotations

import base64
import datetime as dt
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tenktui.sandbox.leantime.app import create_app
from tenktui.sandbox.leantime.server import open_leantime_sandbox
from tenktui.sandbox.leantime.state import LeantimeSandbox
from tests.conftest import TODAY, launch, stop_process

KEY = "lt_" + "k3yUser0123456789abcdefghijKLMN" + "X" + "_" + "s3cret0123456789abcdefghijKLMNOP"
ZONE = "Europe/Berlin"
ME_ID = 1  # me@example.com in the demo seed
TICKET = 100  # "Design the new home page", assigned to me
VERSIONS = ("3.8", "3.9")


# -- helpers shared with the client and sync tests ---------------------------------------


@dataclass
class LeantimeServer:
    """A ``python -m tenktui.sandbox.leantime`` subprocess on a loopback port."""

    root: str  # http://127.0.0.1:PORT, the site root the client takes
    db_path: Path
    version: str
    process: subprocess.Popen[str]
    token: str = KEY
    extra: tuple[str, ...] = ()  # the serve options, to start it again the same way
    reading: str = "default"

    def control(self) -> httpx.Client:
        header = (
            {"x-api-key": self.token}
            if self.token.startswith("lt_")
            else {"authorization": f"Bearer {self.token}"}
        )
        return httpx.Client(base_url=self.root, headers=header, timeout=10)

    def rpc(self, method: str, params: dict[str, Any] | None = None) -> Any:
        """One call as a client would make it; the raw ``result`` (or the error dict)."""
        with self.control() as http:
            body = {"jsonrpc": "2.0", "method": f"leantime.rpc.{method}", "id": 1}
            if params is not None:
                body["params"] = params
            answer = http.post("/api/jsonrpc", json=body).json()
        return answer.get("result", answer.get("error"))

    def restart(self, port: int) -> LeantimeServer:
        """The same site served again on ``port`` (after :meth:`stop`)."""
        return start_leantime(
            self.db_path, self.version, *self.extra, port=port, reading=self.reading,
            token=self.token,
        )  # fmt: skip

    def stop(self) -> None:
        stop_process(self.process)


def start_leantime(
    db_path: Path,
    version: str = "3.9",
    *extra: str,
    port: int = 0,
    reading: str = "default",
    token: str = KEY,
) -> LeantimeServer:
    cmd = [
        sys.executable, "-m", "tenktui.sandbox.leantime", "--host", "127.0.0.1",
        "--port", str(port), "--token", token, "--db", str(db_path), "--version", version,
        "--today", TODAY.isoformat(), "--timezone", ZONE,
        "--reading", reading, *extra,
    ]  # fmt: skip
    proc, root = launch(cmd, "leantime sandbox")
    return LeantimeServer(root, db_path, version, proc, token, extra, reading)


PAT = "pat-" + "Personal0123456789abcdefghijKLMNOPqrst"  # an editor's personal access token
# The accounts the integration tests run as: version, reading, token kind, role.
ACCOUNTS = {
    "3.8-default-manager-key": ("3.8", "default", "key", "manager"),
    "3.9-default-manager-key": ("3.9", "default", "key", "manager"),
    "3.9-strict-editor-pat": ("3.9", "strict", "pat", "editor"),
    "3.9-strict-manager-key": ("3.9", "strict", "key", "manager"),
    "3.9-strict-admin-key": ("3.9", "strict", "key", "admin"),
    "3.8-strict-manager-key": ("3.8", "strict", "key", "manager"),
}


def start_account(db_path: Path, account: str, *extra: str) -> LeantimeServer:
    """A sandbox serving one of :data:`ACCOUNTS`' tokens (strict: permissions enforced)."""
    version, reading, kind, role = ACCOUNTS[account]
    return start_leantime(
        db_path, version, "--token-kind", kind, "--role", role, *extra, reading=reading,
        token=PAT if kind == "pat" else KEY,
    )  # fmt: skip


def local_midnight(day: dt.date, zone: str = ZONE) -> int:
    from zoneinfo import ZoneInfo

    return int(dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(zone)).timestamp())


# -- in-process fixtures --------------------------------------------------------------------


class Rpc:
    """An httpx client on an in-process sandbox, with JSON-RPC helpers."""

    def __init__(self, http: httpx.AsyncClient, sandbox: LeantimeSandbox) -> None:
        self.http = http
        self.sandbox = sandbox

    async def post(self, body: Any, **kw: Any) -> httpx.Response:
        return await self.http.post("/api/jsonrpc", json=body, **kw)

    async def answer(self, method: str, params: Any = None, **kw: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"jsonrpc": "2.0", "method": f"leantime.rpc.{method}", "id": 7}
        if params is not None:
            body["params"] = params
        response = await self.post(body, **kw)
        assert response.status_code == 200
        answer = response.json()
        assert answer["id"] == 7 and answer["jsonrpc"] == "2.0"
        return answer

    async def result(self, method: str, params: Any = None) -> Any:
        answer = await self.answer(method, params)
        assert "error" not in answer, answer
        return answer["result"]

    async def error(self, method: str, params: Any = None) -> dict[str, Any]:
        answer = await self.answer(method, params)
        assert "result" not in answer, answer
        return answer["error"]

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        return self.sandbox.db.rows(sql, params)


async def _rpc(tmp_path: Path, version: str) -> AsyncIterator[Rpc]:
    sandbox = open_leantime_sandbox(
        KEY, tmp_path / f"lt-{version}.db", version=version, today=TODAY, timezone=ZONE
    )
    transport = httpx.ASGITransport(app=create_app(sandbox))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://leantime", headers={"x-api-key": KEY}
    ) as http:
        yield Rpc(http, sandbox)
    sandbox.db.close()


@pytest.fixture(params=VERSIONS)
async def rpc(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Rpc]:
    async for r in _rpc(tmp_path, request.param):
        yield r


@pytest.fixture
async def rpc38(tmp_path: Path) -> AsyncIterator[Rpc]:
    async for r in _rpc(tmp_path, "3.8"):
        yield r


@pytest.fixture
async def rpc39(tmp_path: Path) -> AsyncIterator[Rpc]:
    async for r in _rpc(tmp_path, "3.9"):
        yield r


@pytest.fixture
async def rpc35(tmp_path: Path) -> AsyncIterator[Rpc]:
    async for r in _rpc(tmp_path, "3.5"):
        yield r


def unwrapped(value: Any) -> Any:
    return value[0] if isinstance(value, list) and len(value) == 1 else value


# -- method names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Tickets.getTicket", "tickets.getTicket", "tickets.GetTicket", "Tickets.Tickets.getTicket",
     "tickets.get_ticket"],
)  # fmt: skip
async def test_method_names_are_normalised(rpc: Rpc, name: str) -> None:
    ticket = await rpc.result(name, {"id": TICKET})
    assert ticket["id"] == TICKET and ticket["headline"] == "Design the new home page"


async def test_an_unknown_method_is_minus_32601(rpc: Rpc) -> None:
    error = await rpc.error("Tickets.getTickett", {"id": TICKET})
    assert error["code"] == -32601


async def test_a_bad_method_format_is_minus_32602(rpc: Rpc) -> None:
    response = await rpc.post({"jsonrpc": "2.0", "method": "tickets.getTicket", "id": 1})
    assert response.json()["error"]["code"] == -32602
    response = await rpc.post({"jsonrpc": "2.0", "method": "leantime.rpc.getTicket", "id": 1})
    assert response.json()["error"]["code"] == -32602


async def test_39_calls_only_api_methods_38_any(rpc38: Rpc, rpc39: Rpc) -> None:
    assert unwrapped(await rpc38.result("Auth.getUserId")) == 4  # the API key's own user
    assert (await rpc39.error("Auth.getUserId"))["code"] == -32601
    patch = {"id": TICKET, "params": {"status": 0}}
    assert await rpc38.result("Tickets.patch", patch) == [True]
    assert (await rpc39.error("Tickets.patch", patch))["code"] == -32601
    assert (await rpc38.error("Tickets.patchTicket", {"id": TICKET, "values": {}}))["code"] == (
        -32601
    )


async def test_system_info_tells_the_version_only_from_39(rpc38: Rpc, rpc39: Rpc) -> None:
    assert (await rpc39.result("Api.Config.getSystemInfo"))["version"] == "3.9.6"
    assert (await rpc38.error("Api.Config.getSystemInfo"))["code"] == -32601


# -- params --------------------------------------------------------------------------------


async def test_a_missing_param_is_minus_32602_with_its_name(rpc: Rpc) -> None:
    error = await rpc.error("Tickets.getAllSubtasks", {})
    assert error == {"code": -32602, "message": "Required Parameter Missing: ticketId",
                     "data": None}  # fmt: skip


async def test_positional_params_count_as_missing(rpc: Rpc) -> None:
    error = await rpc.error("Tickets.getTicket", [TICKET])
    assert error["code"] == -32602 and error["message"].endswith(": id")


async def test_scalars_are_coerced_and_unknown_keys_ignored(rpc: Rpc) -> None:
    ticket = await rpc.result("Tickets.getTicket", {"id": str(TICKET), "colour": "blue"})
    assert ticket["id"] == TICKET
    error = await rpc.error("Tickets.getTicket", {"id": "twelve"})
    assert error["code"] == -32602 and "id" in error["message"]


async def test_an_explicit_null_for_an_int_cannot_be_cast(rpc: Rpc) -> None:
    error = await rpc.error("Tickets.getTicket", {"id": None})
    assert error["code"] == -32602


async def test_get_user_without_id_is_the_caller_from_38(rpc: Rpc, rpc35: Rpc) -> None:
    me = unwrapped(await rpc.result("Users.getUser", {}))
    assert me["source"] == "api" and me["role"] == 30
    assert (await rpc35.error("Users.getUser", {}))["message"] == ("Required Parameter Missing: id")


# -- results and errors by version -----------------------------------------------------------


async def test_scalar_results_are_wrapped_up_to_38(rpc38: Rpc, rpc39: Rpc) -> None:
    log = {"ticketId": TICKET, "params": {"hours": 1, "kind": "GENERAL_BILLABLE",
                                          "timestamp": local_midnight(TODAY)}}  # fmt: skip
    assert await rpc38.result("Timesheets.upsertTime", log) == [True]
    assert await rpc39.result("Timesheets.upsertTime", log) is True
    values = {"values": {"headline": "New", "projectId": 1}}
    new38 = await rpc38.result("Tickets.addTicket", values)
    new39 = await rpc39.result("Tickets.addTicket", values)
    assert isinstance(new38, list) and isinstance(new38[0], int)
    assert isinstance(new39, int)
    assert isinstance(await rpc38.result("Tickets.getTicket", {"id": TICKET}), dict)
    assert await rpc38.result("Tickets.getTicket", {"id": 99999}) == [False]
    assert await rpc39.result("Tickets.getTicket", {"id": 99999}) is False


async def test_service_errors_by_version(rpc38: Rpc, rpc39: Rpc) -> None:
    log = {"ticketId": 99999, "params": {"hours": 1, "kind": "GENERAL_BILLABLE",
                                         "timestamp": local_midnight(TODAY)}}  # fmt: skip
    old = await rpc38.error("Timesheets.upsertTime", log)
    assert old["code"] == -32000 and "Ticket 99999 not found" in old["data"]
    new = await rpc39.error("Timesheets.upsertTime", log)
    assert new["code"] == -32002 and new["data"] is None
    missing = {"ticketId": TICKET, "params": {"kind": "GENERAL_BILLABLE", "timestamp": 1}}
    assert (await rpc38.error("Timesheets.upsertTime", missing))["data"] == (
        "Hours is a required field"
    )
    assert (await rpc39.error("Timesheets.upsertTime", missing)) == {
        "code": -32000, "message": "Server error", "data": None,
    }  # fmt: skip


async def test_not_allowed_is_minus_32001_on_39(rpc38: Rpc, rpc39: Rpc) -> None:
    for r in (rpc38, rpc39):
        r.sandbox.db.execute("DELETE FROM project_users WHERE userId = 1 AND projectId = 1")
    headers = {"Authorization": f"Bearer {KEY}"}  # acts as me@example.com, an editor
    del rpc39.http.headers["x-api-key"]
    body = {"jsonrpc": "2.0", "method": "leantime.rpc.Tickets.patchTicket", "id": 1,
            "params": {"id": TICKET, "values": {"status": 0}}}  # fmt: skip
    answer = (await rpc39.http.post("/api/jsonrpc", json=body, headers=headers)).json()
    assert answer["error"]["code"] == -32001
    body = {**body, "method": "leantime.rpc.Tickets.delete", "params": {"id": TICKET}}
    answer = (await rpc38.http.post("/api/jsonrpc", json=body)).json()
    assert answer["result"] == [True]  # the key is a manager: allowed


async def test_invalid_envelopes(rpc: Rpc) -> None:
    bad_version = await rpc.post({"jsonrpc": "1.0", "method": "leantime.rpc.Users.getAll",
                                  "id": 3})  # fmt: skip
    assert bad_version.json() == {
        "jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request", "data": None},
        "id": 3,
    }  # fmt: skip
    garbage = await rpc.http.post("/api/jsonrpc", content=b"{not json")
    assert garbage.status_code == 200 and garbage.json()["error"]["code"] == -32700
    call = {"jsonrpc": "2.0", "id": 1, "method": "leantime.rpc.Users.getAll"}
    patch = await rpc.http.patch("/api/jsonrpc", json=call)
    assert patch.json()["error"]["code"] == -32600


# -- batches and notifications --------------------------------------------------------------------


async def test_a_batch_runs_each_call_in_turn_and_counts_once(rpc: Rpc) -> None:
    def call(method: str, params: Any, id_: Any) -> dict[str, Any]:
        return {"jsonrpc": "2.0", "method": f"leantime.rpc.{method}", "params": params, "id": id_}

    stamp = local_midnight(TODAY)
    batch = [
        call("Timesheets.upsertTime", {"ticketId": TICKET, "params": {
            "hours": 2, "kind": "TESTING", "timestamp": stamp}}, "a"),
        call("Timesheets.getAll", {"dateFrom": "2026-11-22 00:00:00",
                                   "dateTo": "2026-11-23 00:00:00", "kind": "TESTING"}, "b"),
        call("Tickets.getTickett", {}, "c"),
        {"jsonrpc": "2.0", "method": "leantime.rpc.Users.getAll"},  # a notification
    ]  # fmt: skip
    response = await rpc.post(batch)
    answers = response.json()
    assert [a["id"] for a in answers] == ["a", "b", "c"]
    assert unwrapped(answers[0]["result"]) is True
    assert [r["hours"] for r in answers[1]["result"]] == [2.0]  # saw the write before it
    assert answers[2]["error"]["code"] == -32601
    assert rpc.sandbox.http_requests == 1
    assert rpc.sandbox.calls["Timesheets.upsertTime"] == 1


async def test_a_request_without_id_gets_an_empty_200_even_when_it_fails(rpc: Rpc) -> None:
    response = await rpc.post({"jsonrpc": "2.0", "method": "leantime.rpc.Tickets.nope"})
    assert response.status_code == 200 and response.content == b""
    done = await rpc.post(
        {"jsonrpc": "2.0", "method": "leantime.rpc.Timesheets.upsertTime",
         "params": {"ticketId": TICKET, "params": {"hours": 5, "kind": "TESTING",
                                                   "timestamp": local_midnight(TODAY)}}}
    )  # fmt: skip
    assert done.status_code == 200 and done.content == b""
    today = "SELECT hours FROM timesheets WHERE kind = 'TESTING' AND workDate = ?"
    assert rpc.rows(today, ("2026-11-22 23:00:00",)) == [{"hours": 5.0}]


async def test_the_get_form_takes_base64_params_and_loses_plus_signs(rpc: Rpc) -> None:
    # {"id": 100}? gives base64 with no '+'; a term whose base64 holds '+' is spoilt
    # when the '+' is sent unescaped.
    params = base64.b64encode(json.dumps({"id": str(TICKET)}).encode()).decode()
    query = {"method": "leantime.rpc.tickets.getTicket", "jsonrpc": "2.0", "id": "1",
             "params": params}  # fmt: skip
    answer = (await rpc.http.get("/api/jsonrpc/", params=query)).json()
    assert answer["result"]["id"] == TICKET
    raw = json.dumps({"ticketId": TICKET, "x": ">>>"}).encode()
    encoded = base64.b64encode(raw).decode()
    assert "+" in encoded
    url = (
        f"/api/jsonrpc?method=leantime.rpc.Tickets.getAllSubtasks&jsonrpc=2.0&id=2&params={encoded}"
    )
    spoilt = (await rpc.http.get(url)).json()
    assert spoilt["error"]["code"] == -32602  # the params did not survive


# -- auth and throttling ---------------------------------------------------------------------------


async def test_a_bad_or_missing_key_is_http_401(rpc: Rpc) -> None:
    body = {"jsonrpc": "2.0", "method": "leantime.rpc.Users.getAll", "id": 1}
    wrong = await rpc.http.post("/api/jsonrpc", json=body, headers={"x-api-key": "lt_a_b"})
    assert wrong.status_code == 401 and wrong.json() == {"error": "Unauthorized"}
    del rpc.http.headers["x-api-key"]
    missing = await rpc.http.post("/api/jsonrpc", json=body)
    assert missing.status_code == 401 and missing.json() == {"error": "Unauthorized"}


async def test_personal_tokens_act_as_the_person_from_396(rpc38: Rpc, rpc39: Rpc) -> None:
    body = {"jsonrpc": "2.0", "method": "leantime.rpc.Users.getUser", "params": {}, "id": 1}
    for r in (rpc38, rpc39):
        del r.http.headers["x-api-key"]
    bearer = {"Authorization": f"Bearer {KEY}"}
    me = (await rpc39.http.post("/api/jsonrpc", json=body, headers=bearer)).json()["result"]
    assert me["username"] == "me@example.com"
    old = await rpc38.http.post("/api/jsonrpc", json=body, headers=bearer)
    assert old.status_code == 401


async def test_over_the_limit_is_429_without_rate_headers(rpc: Rpc) -> None:
    from tenktui.sandbox.state import RateWindow

    rpc.sandbox.rate = RateWindow(limit=3, window=600)
    call = {"jsonrpc": "2.0", "method": "leantime.rpc.Users.getAll", "id": 1}
    batch = [dict(call, id=i) for i in range(10)]
    assert (await rpc.post(batch)).status_code == 200  # ten calls, one request
    assert (await rpc.post(call)).status_code == 200
    assert (await rpc.post(call)).status_code == 200
    throttled = await rpc.post(call)
    assert throttled.status_code == 429
    assert throttled.json() == {"error": "Too many requests per minute."}
    assert not [h for h in throttled.headers if h.lower().startswith(("x-ratelimit", "retry"))]


async def test_many_failed_logins_are_429(rpc: Rpc) -> None:
    body = {"jsonrpc": "2.0", "method": "leantime.rpc.Users.getAll", "id": 1}
    codes = [
        (await rpc.http.post("/api/jsonrpc", json=body, headers={"x-api-key": "nope"})).status_code
        for _ in range(21)
    ]
    assert codes[:20] == [401] * 20 and codes[20] == 429


# -- time ------------------------------------------------------------------------------------------


def _log(hours: float, description: str | None = None, **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"hours": hours, "kind": "DEVELOPMENT", "userId": ME_ID,
                              "timestamp": local_midnight(TODAY), **extra}  # fmt: skip
    if description is not None:
        params["description"] = description
    return {"ticketId": TICKET, "params": params}


def _today_rows(rpc: Rpc) -> list[dict[str, Any]]:
    return rpc.rows(
        "SELECT id, workDate, hours, description FROM timesheets WHERE userId = ? "
        "AND ticketId = ? AND kind = 'DEVELOPMENT' ORDER BY workDate",
        (ME_ID, TICKET),
    )


async def test_log_time_adds_and_upsert_time_overwrites(rpc: Rpc) -> None:
    await rpc.result("Timesheets.logTime", _log(1.5, "first"))
    await rpc.result("Timesheets.logTime", _log(2, "second"))
    (row,) = _today_rows(rpc)
    assert row["hours"] == 3.5
    assert row["description"].startswith("second") and row["description"].endswith("first")
    await rpc.result("Timesheets.upsertTime", _log(1.25, "set"))
    await rpc.result("Timesheets.upsertTime", _log(1.25))
    (again,) = _today_rows(rpc)
    assert again["id"] == row["id"]  # one row per user, ticket, day and kind
    assert again["hours"] == 1.25 and again["description"] == row["description"]  # kept


async def test_work_dates_are_local_midnight_in_utc(rpc: Rpc) -> None:
    await rpc.result("Timesheets.upsertTime", _log(2))
    (row,) = _today_rows(rpc)
    assert row["workDate"] == "2026-11-22 23:00:00"  # Berlin is UTC+1 in November
    found = await rpc.result("Timesheets.getAll", {
        "dateFrom": "2026-11-22 23:00:00", "dateTo": "2026-11-23 22:59:59", "userId": ME_ID,
        "kind": "DEVELOPMENT"})  # fmt: skip
    assert [(r["id"], r["ticketId"], r["headline"]) for r in found] == [
        (row["id"], TICKET, "Design the new home page")
    ]
    query = {"dateFrom": "2026-11-22 23:00:01", "dateTo": "2026-11-23 22:59:59", "userId": ME_ID}
    later = await rpc.result("Timesheets.getAll", query)
    assert row["id"] not in [r["id"] for r in later]  # dateFrom is inclusive, to the second


async def test_a_bare_date_lands_at_local_noon_in_a_row_of_its_own(rpc: Rpc) -> None:
    await rpc.result("Timesheets.upsertTime", _log(2))
    bare = _log(1)
    del bare["params"]["timestamp"]
    bare["params"]["date"] = TODAY.isoformat()
    await rpc.result("Timesheets.upsertTime", bare)
    rows = _today_rows(rpc)
    assert [(r["workDate"], r["hours"]) for r in rows] == [
        ("2026-11-22 23:00:00", 2.0),
        ("2026-11-23 11:00:00", 1.0),  # not merged with the day's row
    ]


async def test_a_bare_date_shows_on_the_next_day_far_west(rpc: Rpc) -> None:
    with rpc.sandbox.db.transaction():
        rpc.sandbox.db.execute("UPDATE users SET timezone = 'Etc/GMT+12'")
    bare = _log(1)
    del bare["params"]["timestamp"]
    bare["params"]["date"] = TODAY.isoformat()
    await rpc.result("Timesheets.upsertTime", bare)
    (row,) = _today_rows(rpc)
    assert row["workDate"] == "2026-11-24 00:00:00"  # in UTC: the next day


async def test_the_timestamp_wins_over_the_date(rpc: Rpc) -> None:
    both = _log(2, date="2026-01-01")
    await rpc.result("Timesheets.upsertTime", both)
    assert [r["workDate"] for r in _today_rows(rpc)] == ["2026-11-22 23:00:00"]


async def test_delete_time_and_the_zero_hour_upsert(rpc: Rpc, rpc35: Rpc) -> None:
    await rpc.result("Timesheets.upsertTime", _log(2))
    (row,) = _today_rows(rpc)
    assert unwrapped(await rpc.result("Timesheets.deleteTime", {"id": row["id"]})) is True
    assert _today_rows(rpc) == []
    if rpc.sandbox.modern:
        assert (await rpc.error("Timesheets.deleteTime", {"id": row["id"]}))["code"] == -32002
    else:
        assert await rpc.result("Timesheets.deleteTime", {"id": row["id"]}) == [False]

    assert (await rpc35.error("Timesheets.deleteTime", {"id": 1}))["code"] == -32601
    await rpc35.result("Timesheets.upsertTime", _log(2))
    assert len(_today_rows(rpc35)) == 1
    await rpc35.result("Timesheets.upsertTime", _log(0))
    assert _today_rows(rpc35) == []  # zero-hour rows are purged


async def test_39_logs_for_others_only_with_a_manager_key(rpc38: Rpc, rpc39: Rpc) -> None:
    for r in (rpc38, rpc39):
        api_user = r.sandbox.api_user
        assert api_user is not None
        r.sandbox.db.execute("UPDATE users SET role = 20 WHERE id = ?", (api_user["id"],))
        await r.result("Timesheets.upsertTime", _log(2))
    assert len(_today_rows(rpc38)) == 1  # 3.8: logged for me
    assert _today_rows(rpc39) == []  # 3.9: silently logged for the key's own user
    assert rpc39.rows("SELECT userId FROM timesheets WHERE kind = 'DEVELOPMENT' "
                      "AND workDate = '2026-11-22 23:00:00'") == [{"userId": 4}]  # fmt: skip
    query = {"dateFrom": "2026-11-01", "dateTo": "2026-11-30", "userId": ME_ID}
    error = await rpc39.error("Timesheets.getAll", query)
    assert error["code"] == -32001


async def test_weekly_timesheets_group_by_ticket_kind_and_time_of_day(rpc: Rpc) -> None:
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    await rpc.result("Timesheets.upsertTime", _log(2))
    weekly = await rpc.result("Timesheets.getWeeklyTimesheets", {
        "projectId": -1, "fromDate": "2026-11-22 23:00:00", "userId": ME_ID})  # fmt: skip
    group = weekly[f"{TICKET}-DEVELOPMENT-00:00:00"]
    assert monday == TODAY and group["day1"]["hours"] == 2.0 and group["rowSum"] == 2.0


# -- tickets ---------------------------------------------------------------------------------


async def test_subtasks_are_child_tickets_and_open_tickets_have_status_types(rpc: Rpc) -> None:
    new_id = unwrapped(await rpc.result("Tickets.addTicket", {"values": {
        "headline": "Write tests", "projectId": 1, "type": "subtask",
        "dependingTicketId": TICKET}}))  # fmt: skip
    subtasks = await rpc.result("Tickets.getAllSubtasks", {"ticketId": TICKET})
    assert new_id in [s["id"] for s in subtasks]
    assert all(s["dependingTicketId"] == TICKET and s["type"] == "subtask" for s in subtasks)
    labels = await rpc.result("Tickets.getStatusLabels", {"projectId": 1})
    assert {k: v["statusType"] for k, v in labels.items()} == {
        "3": "NEW", "1": "INPROGRESS", "4": "INPROGRESS", "2": "INPROGRESS", "0": "DONE",
        "-1": "NONE",
    }  # fmt: skip
    mine = await rpc.result("Tickets.getAllOpenUserTickets", {"userId": ME_ID})
    assert all(t["statusType"] in ("NEW", "INPROGRESS") for t in mine)
    assert "milestone" not in {t["type"] for t in mine}
    method, key = ("Tickets.patchTicket", "values") if rpc.sandbox.modern else (
        "Tickets.patch", "params")  # fmt: skip
    assert unwrapped(await rpc.result(method, {"id": new_id, key: {"status": 0}})) is True
    open_ids = [t["id"] for t in await rpc.result("Tickets.getAllOpenUserTickets", {})]
    assert new_id not in open_ids


async def test_dates_never_set_read_as_zero_dates_up_to_38(rpc38: Rpc, rpc39: Rpc) -> None:
    old = await rpc38.result("Tickets.getTicket", {"id": 104})  # "Fix the login form"
    new = await rpc39.result("Tickets.getTicket", {"id": 104})
    assert old["editFrom"] == "0000-00-00 00:00:00" and new["editFrom"] is None
    assert old["dateToFinish"] == new["dateToFinish"] != "0000-00-00 00:00:00"


# -- controls and faults ---------------------------------------------------------------------


async def test_controls_count_calls_and_inject_faults(rpc: Rpc) -> None:
    from tenktui.sandbox.app import DroppedConnection

    await rpc.result("Users.getAll")
    counted = (await rpc.http.get("/_sandbox/requests")).json()
    assert counted["total"] == 1 and counted["by_method"] == {"Users.getAll": 1}
    faults = await rpc.http.put("/_sandbox/faults", json={"error_rate": 1.0, "seed": 1})
    assert faults.status_code == 200
    unavailable = await rpc.post({"jsonrpc": "2.0", "method": "leantime.rpc.Users.getAll",
                                  "id": 1})  # fmt: skip
    assert unavailable.status_code == 503
    await rpc.http.put("/_sandbox/faults", json={"error_rate": 0, "drop_after_commit_rate": 1.0})
    with pytest.raises(DroppedConnection):
        await rpc.post({"jsonrpc": "2.0", "method": "leantime.rpc.Timesheets.upsertTime",
                        "params": _log(3), "id": 1})  # fmt: skip
    assert _today_rows(rpc)[0]["hours"] == 3.0  # committed before the drop
    await rpc.result("Users.getAll")  # reads are never dropped
    clock = await rpc.http.put("/_sandbox/clock", json={"today": "2027-01-04"})
    assert clock.json() == {"today": "2027-01-04"}


async def test_a_real_server_prints_its_root_and_answers(tmp_path: Path) -> None:
    server = start_leantime(tmp_path / "lt.db", "3.8")
    try:
        assert server.root.startswith("http://127.0.0.1:") and "/api" not in server.root
        assert server.rpc("Tickets.getTicket", {"id": TICKET})["id"] == TICKET
        assert server.rpc("Auth.getUserId") == [4]
    finally:
        server.stop()


# -- roles, token kinds and 3.9's permissions (Leantime source at v3.8.0 and v3.9.6) -------


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Callable[..., Awaitable[Rpc]]]:
    """In-process sandboxes serving their token as ``token_kind`` with ``role`` (server.py)."""
    opened: list[tuple[httpx.AsyncClient, LeantimeSandbox]] = []

    async def serve(name: str, version: str, **options: Any) -> Rpc:
        sandbox = open_leantime_sandbox(
            KEY, tmp_path / f"as-{name}-{version}.db", version=version, today=TODAY,
            timezone=ZONE, **options,
        )  # fmt: skip
        pat = options.get("token_kind") == "pat"
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(sandbox)),
            base_url="http://leantime",
            headers={"authorization": f"Bearer {KEY}"} if pat else {"x-api-key": KEY},
        )
        opened.append((http, sandbox))
        return Rpc(http, sandbox)

    yield serve
    for http, sandbox in opened:
        await http.aclose()
        sandbox.db.close()


Served = Callable[..., Awaitable[Rpc]]


@pytest.mark.parametrize("role", ["editor", "manager"])
async def test_listing_users_is_for_admins_where_permissions_are_enforced(
    served: Served, role: str
) -> None:
    for enforce in (True, False):
        rpc = await served(str(enforce), "3.9", role=role, enforce=enforce)
        if enforce:
            assert (await rpc.error("Users.getAll"))["code"] == -32001
            assert (await rpc.error("Users.getUserByEmail", {"email": "me@example.com"}))[
                "code"
            ] == -32001
        else:  # audit-only: the would-be denial is only logged
            assert any(u["username"] == "me@example.com" for u in await rpc.result("Users.getAll"))
        assert (await rpc.result("Users.getUser", {}))["role"] in (20, 30)  # never gated
    admin = await served("admin", "3.9", role="admin", enforce=True)
    assert await admin.result("Users.getAll")
    old = await served("old", "3.8", role="editor", enforce=True)
    assert await old.result("Users.getAll")  # 3.8 has no #[RequiresPermission]


async def test_the_strict_reading_enforces_permissions(served: Served) -> None:
    strict = await served("t", "3.9", reading="strict", role="manager")
    assert strict.sandbox.enforced
    assert (await strict.error("Users.getAll"))["code"] == -32001


async def test_a_personal_token_acts_as_the_person_and_is_no_api_key(served: Served) -> None:
    rpc = await served("t", "3.9", token_kind="pat")
    me = await rpc.result("Users.getUser", {})
    assert me["id"] == ME_ID and me["role"] == 20
    refused = await rpc.http.post(
        "/api/jsonrpc",
        json={"jsonrpc": "2.0", "method": "leantime.rpc.Users.getUser", "id": 1, "params": {}},
        headers={"authorization": "", "x-api-key": KEY},
    )
    assert refused.status_code == 401
    old = await served("38", "3.8", token_kind="pat")
    assert (await old.post({"jsonrpc": "2.0", "method": "x", "id": 1})).status_code == 401


async def test_an_api_key_is_no_personal_token_under_the_strict_reading(served: Served) -> None:
    rpc = await served("t", "3.9", reading="strict")
    answer = await rpc.post(
        {"jsonrpc": "2.0", "method": "leantime.rpc.Users.getUser", "id": 1, "params": {}},
        headers={"x-api-key": "", "authorization": f"Bearer {KEY}"},
    )
    assert answer.status_code == 401


async def test_39_pins_time_to_a_caller_without_timesheets_manage(served: Served) -> None:
    day = local_midnight(TODAY)
    for role, lands_on_me in (("editor", False), ("manager", True)):
        rpc = await served(role, "3.9", role=role)
        key_user = (await rpc.result("Users.getUser", {}))["id"]
        params = {"hours": 1.5, "kind": "GENERAL_BILLABLE", "userId": ME_ID, "timestamp": day}
        assert await rpc.result("Timesheets.upsertTime", {"ticketId": TICKET, "params": params})
        owner = rpc.rows(
            "SELECT userId FROM timesheets WHERE ticketId = ? AND hours = 1.5", (TICKET,)
        )
        assert [r["userId"] for r in owner] == [ME_ID if lands_on_me else key_user]


async def test_upsert_time_never_writes_the_description(rpc: Rpc) -> None:
    day = local_midnight(TODAY + dt.timedelta(days=30))
    params = {"hours": 2, "kind": "GENERAL_BILLABLE", "userId": ME_ID, "timestamp": day,
              "description": "typed notes"}  # fmt: skip
    assert unwrapped(await rpc.result("Timesheets.upsertTime", {"ticketId": TICKET,
                                                                "params": params}))  # fmt: skip
    stored = dt.datetime.fromtimestamp(day, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    (row,) = rpc.rows(
        "SELECT * FROM timesheets WHERE ticketId = ? AND workDate = ?", (TICKET, stored)
    )
    assert row["description"] == ""
    rpc.sandbox.db.execute("UPDATE timesheets SET description = 'kept' WHERE id = ?", (row["id"],))
    params |= {"hours": 3, "description": "new"}
    await rpc.result("Timesheets.upsertTime", {"ticketId": TICKET, "params": params})
    (again,) = rpc.rows("SELECT * FROM timesheets WHERE id = ?", (row["id"],))
    assert again["hours"] == 3 and again["description"] == "kept"
    assert again["modified"] == row["modified"]  # ON DUPLICATE KEY UPDATE hours only
    params |= {"hours": 1, "description": "logged"}
    await rpc.result("Timesheets.logTime", {"ticketId": TICKET, "params": params})
    (logged,) = rpc.rows("SELECT * FROM timesheets WHERE id = ?", (row["id"],))
    assert logged["hours"] == 4 and logged["description"].startswith("logged")


async def test_get_timesheet_exists_from_39_only(rpc35: Rpc, rpc38: Rpc, rpc39: Rpc) -> None:
    row_id = rpc39.rows("SELECT id FROM timesheets WHERE userId = ? LIMIT 1", (ME_ID,))[0]["id"]
    assert (await rpc39.result("Timesheets.getTimesheet", {"id": row_id}))["id"] == row_id
    for old in (rpc35, rpc38):
        assert (await old.error("Timesheets.getTimesheet", {"id": row_id}))["code"] == -32601


async def test_timesheet_rows_carry_the_ticket_s_modified(rpc: Rpc) -> None:
    rows = await rpc.result(
        "Timesheets.getAll",
        {"dateFrom": "2000-01-01 00:00:00", "dateTo": "2100-01-01 00:00:00", "userId": ME_ID},
    )
    tickets = {t["id"]: t["modified"] for t in rpc.rows("SELECT id, modified FROM tickets")}
    assert rows and all(r["modified"] == tickets[r["ticketId"]] for r in rows)


async def test_39_answers_projects_for_the_caller_unless_admin(served: Served) -> None:
    for role, for_me in (("manager", False), ("admin", True)):
        rpc = await served(role, "3.9", role=role)
        key_user = (await rpc.result("Users.getUser", {}))["id"]
        rpc.sandbox.db.execute("DELETE FROM project_users WHERE userId = ?", (key_user,))
        projects = await rpc.result(
            "Projects.getProjectsAssignedToUser", {"userId": ME_ID, "projectStatus": "all"}
        )
        assert bool(projects) is for_me


async def test_status_labels_of_a_project_out_of_reach_are_refused_where_enforced(
    served: Served,
) -> None:
    rpc = await served("labels", "3.9", token_kind="pat", enforce=True)
    rpc.sandbox.db.execute("DELETE FROM project_users WHERE userId = ? AND projectId = 2",
                           (ME_ID,))  # fmt: skip
    assert await rpc.result("Tickets.getStatusLabels", {"projectId": 1})
    assert (await rpc.error("Tickets.getStatusLabels", {"projectId": 2}))["code"] == -32001
