"""The Leantime service methods the emulator answers (users, projects, tickets, timesheets).

Each handler gets the :class:`~tenktui.sandbox.leantime.rpc.Call` and its bound
params, returns what Leantime's service returns (rows as dicts, ``true``, a new
id, ``false`` for "nothing there"), and raises
:class:`~tenktui.sandbox.leantime.rpc.Fault` where Leantime throws.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tenktui.sandbox.leantime.db import Row
from tenktui.sandbox.leantime.rpc import (
    INVALID_PARAMS,
    Call,
    Fault,
    Param,
    RpcError,
    method,
)
from tenktui.sandbox.leantime.state import DB_FORMAT

KINDS = {
    "GENERAL_BILLABLE": "label.general_billable",
    "GENERAL_NOT_BILLABLE": "label.general_not_billable",
    "PROJECTMANAGEMENT": "label.projectmanagement",
    "DEVELOPMENT": "label.development",
    "BUGFIXING_NOT_BILLABLE": "label.bugfixing_not_billable",
    "TESTING": "label.testing",
}
# statusId, name, statusType, class, sortKey: Leantime's defaults for a new project.
DEFAULT_LABELS = (
    (3, "New", "NEW", "label-info", 1),
    (1, "Blocked", "INPROGRESS", "label-important", 2),
    (4, "In Progress", "INPROGRESS", "label-warning", 3),
    (2, "Waiting for Approval", "INPROGRESS", "label-purple", 4),
    (0, "Done", "DONE", "label-success", 5),
    (-1, "Archived", "NONE", "label-default", 6),
)
EMPTY_DATE = "0000-00-00 00:00:00"  # what 3.8 and older keep for a date never set
TICKET_DATES = ("dateToFinish", "editFrom", "editTo")
PATCHABLE = {
    "headline": "str",
    "description": "str",
    "type": "str",
    "status": "int",
    "editorId": "int",
    "dateToFinish": "date",
    "editFrom": "date",
    "editTo": "date",
    "planHours": "float",
    "hourRemaining": "float",
    "dependingTicketId": "int",
    "milestoneid": "int",
    "priority": "int",
    "storypoints": "int",
    "tags": "str",
    "sortindex": "int",
}
USER_FIELDS = (
    "id", "username", "firstname", "lastname", "role", "status", "source", "hours", "wage",
    "jobTitle", "modified",
)  # fmt: skip


def fmt(moment: dt.datetime) -> str:
    return moment.strftime(DB_FORMAT)


# -- helpers ---------------------------------------------------------------------


def status_labels(call: Call, project_id: int) -> dict[int, Row]:
    rows = call.db.rows(
        "SELECT statusId, name, statusType, class, sortKey FROM status_labels "
        "WHERE projectId = ? ORDER BY sortKey",
        (project_id,),
    )
    if not rows:
        rows = [
            {"statusId": s, "name": n, "statusType": t, "class": c, "sortKey": k}
            for s, n, t, c, k in DEFAULT_LABELS
        ]
    return {r["statusId"]: r for r in rows}


def visible_project(call: Call, project_id: int) -> bool:
    """Admins and owners see every project, everyone else the projects they are assigned
    to (`isUserAssignedToProject` and `simpleTicketQuery`, v3.8.0 and v3.9.6)."""
    if call.is_admin:
        return call.db.scalar("SELECT 1 FROM projects WHERE id = ?", (project_id,)) is not None
    return (
        call.db.scalar(
            "SELECT 1 FROM project_users WHERE projectId = ? AND userId = ?",
            (project_id, call.caller["id"]),
        )
        is not None
    )


def ticket_row(call: Call, ticket_id: int) -> Row | None:
    return call.db.row(
        "SELECT t.*, p.name AS projectName, p.clientName AS clientName, "
        "p.clientId AS clientId FROM tickets t LEFT JOIN projects p ON p.id = t.projectId "
        "WHERE t.id = ?",
        (ticket_id,),
    )


def ticket_out(call: Call, ticket: Row) -> Row:
    out = dict(ticket)
    for name in TICKET_DATES:
        if out.get(name) is None and not call.modern:
            out[name] = EMPTY_DATE
    return out


def user_out(user: Row) -> Row:
    return {k: user[k] for k in USER_FIELDS}


def parse_ticket_date(value: Any) -> str | None:
    """A ticket date as given (``Y-m-d``, ``Y-m-d H:i:s`` or ISO) in the stored form."""
    from tenktui.sandbox.leantime.rpc import parse_datetime

    if value in (None, "", EMPTY_DATE):
        return None
    try:
        return fmt(parse_datetime(str(value)))
    except ValueError:
        raise Fault("error", f"Could not read the date {value!r}") from None


def _patch_values(values: dict[str, Any]) -> Row:
    from tenktui.sandbox.leantime.rpc import coerce

    changes: Row = {}
    for key, value in values.items():
        kind = PATCHABLE.get(key)
        if kind is None:
            continue  # unknown keys are ignored, as Leantime's patch does
        if kind == "date":
            changes[key] = parse_ticket_date(value)
        elif value is None or value == "":
            changes[key] = None if kind != "str" else ""
        else:
            changes[key] = coerce(Param(key, kind), value)
    return changes


# -- api, auth, users --------------------------------------------------------------


@method("Api.Config.getSystemInfo", since="3.9.0")
def get_system_info(call: Call) -> Row:
    return {"version": call.sandbox.version, "name": "Leantime", "phpVersion": "8.3.0"}


@method("Auth.getUserId", api=False)
def get_user_id(call: Call) -> int:
    return int(call.caller["id"])


@method("Users.getUser", Param("id", "int", None, nullable=True))
def get_user(call: Call, id: int | None) -> Row | bool:
    if id is None:
        if not call.sandbox.at_least("3.8.0"):
            raise RpcError(INVALID_PARAMS, "Required Parameter Missing: id")
        return user_out(call.caller)
    user = call.sandbox.user(id)
    return user_out(user) if user else False


def _users_view(call: Call) -> None:
    """3.9's ``#[RequiresPermission(users.view, global: true)]``: admins only, where
    ``permissions.enforce`` is on (otherwise Leantime only logs the would-be denial)."""
    if call.sandbox.enforced and not call.is_admin:
        raise Fault("not_allowed", "Not allowed to view users")


@method("Users.getAll", Param("activeOnly", "bool", False))
def get_all_users(call: Call, activeOnly: bool) -> list[Row]:
    _users_view(call)
    sql = "SELECT * FROM users WHERE source != 'api'"
    if activeOnly:
        sql += " AND status = 'a'"
    return [user_out(u) for u in call.db.rows(sql + " ORDER BY id")]


@method("Users.getUserByEmail", Param("email", "str"), Param("status", "str", "a"))
def get_user_by_email(call: Call, email: str, status: str) -> Row | bool:
    _users_view(call)
    sql = "SELECT * FROM users WHERE lower(username) = lower(?)"
    params: list[Any] = [email]
    if status:
        sql += " AND status = ?"
        params.append(status)
    user = call.db.row(sql, params)
    return user_out(user) if user else False


# -- projects ------------------------------------------------------------------------


@method(
    "Projects.getProjectsAssignedToUser",
    Param("userId", "int"),
    Param("projectStatus", "str", "open"),
    Param("clientId", "int", None, nullable=True),
)
def projects_assigned(
    call: Call, userId: int, projectStatus: str, clientId: int | None
) -> list[Row]:
    if call.modern and userId != call.caller["id"] and not call.is_admin:
        userId = call.caller["id"]  # 3.9's resolveScopedUserId: only admins ask for others
    sql = "SELECT p.* FROM projects p JOIN project_users u ON u.projectId = p.id WHERE u.userId = ?"
    params: list[Any] = [userId]
    if projectStatus == "open":
        sql += " AND p.state != -1"
    elif projectStatus == "closed":
        sql += " AND p.state = -1"
    if clientId:
        sql += " AND p.clientId = ?"
        params.append(clientId)
    return call.db.rows(sql + " ORDER BY p.name", params)


@method("Projects.getProject", Param("id", "int"))
def get_project(call: Call, id: int) -> Row | bool:
    project = call.db.row("SELECT * FROM projects WHERE id = ?", (id,))
    if project is None:
        return False
    if call.sandbox.enforced and not visible_project(call, id):
        raise Fault("not_allowed", "Not allowed to view this project")
    return project


@method(
    "Projects.getUsersAssignedToProject",
    Param("projectId", "int"),
    Param("teamOnly", "bool", False),
)
def users_of_project(call: Call, projectId: int, teamOnly: bool) -> list[Row]:
    if call.sandbox.enforced and not visible_project(call, projectId):
        raise Fault("not_allowed", "Not allowed to view this project")
    rows = call.db.rows(
        "SELECT u.* FROM project_users r JOIN users u ON u.id = r.userId "
        "WHERE r.projectId = ? AND u.source != 'api' ORDER BY u.lastname, u.id",
        (projectId,),
    )
    return [user_out(u) for u in rows]


# -- tickets -------------------------------------------------------------------------


@method("Tickets.getTicket", Param("id", "int"))
def get_ticket(call: Call, id: int) -> Row | bool:
    ticket = ticket_row(call, id)
    if ticket is None or not visible_project(call, ticket["projectId"]):
        return False
    return ticket_out(call, ticket)


@method(
    "Tickets.getAllOpenUserTickets",
    Param("userId", "int", None, nullable=True),
    Param("project", "int", None, nullable=True),
)
def open_user_tickets(call: Call, userId: int | None, project: int | None) -> list[Row]:
    user_id = call.caller["id"] if userId is None else userId
    sql = (
        "SELECT t.*, p.name AS projectName, p.clientName AS clientName, p.clientId AS clientId "
        "FROM tickets t JOIN projects p ON p.id = t.projectId "
        "WHERE t.editorId = ? AND t.type != 'milestone' AND p.state != -1"
    )
    params: list[Any] = [user_id]
    if project:
        sql += " AND t.projectId = ?"
        params.append(project)
    found = []
    for ticket in call.db.rows(
        sql + " ORDER BY t.dateToFinish IS NULL, t.dateToFinish, t.id", params
    ):
        label = status_labels(call, ticket["projectId"]).get(ticket["status"])
        status_type = label["statusType"] if label else "NEW"
        if status_type in ("DONE", "NONE") or not visible_project(call, ticket["projectId"]):
            continue
        found.append(
            {
                **ticket_out(call, ticket),
                "statusLabel": label["name"] if label else "",
                "statusType": status_type,
            }
        )
    return found


@method(
    "Tickets.getAll",
    Param("searchCriteria", "array", {}),
    Param("limit", "int", None, nullable=True),
)
def get_all_tickets(call: Call, searchCriteria: dict[str, Any], limit: int | None) -> list[Row]:
    sql = (
        "SELECT t.*, p.name AS projectName, p.clientName AS clientName, p.clientId AS clientId "
        "FROM tickets t JOIN projects p ON p.id = t.projectId WHERE 1=1"
    )
    params: list[Any] = []
    criteria = searchCriteria

    def ids(raw: Any) -> list[int]:
        return [int(x) for x in str(raw).split(",") if x.strip().lstrip("-").isdigit()]

    if criteria.get("currentProject"):
        sql += " AND t.projectId = ?"
        params.append(int(criteria["currentProject"]))
    if criteria.get("users"):
        users = ids(criteria["users"])
        sql += f" AND t.editorId IN ({', '.join('?' * len(users))})"
        params += users
    if criteria.get("type"):
        types = [t.strip() for t in str(criteria["type"]).split(",") if t.strip()]
        sql += f" AND t.type IN ({', '.join('?' * len(types))})"
        params += types
    if criteria.get("term"):
        sql += " AND (t.headline LIKE ? OR t.description LIKE ?)"
        params += [f"%{criteria['term']}%"] * 2
    rows = call.db.rows(sql + " ORDER BY t.id", params)
    status = str(criteria.get("status") or "all")
    found = []
    for ticket in rows:
        if not visible_project(call, ticket["projectId"]):
            continue
        labels = status_labels(call, ticket["projectId"])
        label = labels.get(ticket["status"])
        if status == "not_done" and label and label["statusType"] in ("DONE", "NONE"):
            continue
        if status not in ("all", "not_done") and ticket["status"] not in ids(status):
            continue
        found.append(ticket_out(call, ticket))
    return found[:limit] if limit else found


@method("Tickets.getAllSubtasks", Param("ticketId", "int"))
def get_all_subtasks(call: Call, ticketId: int) -> list[Row]:
    rows = call.db.rows(
        "SELECT t.*, p.name AS projectName, p.clientName AS clientName, p.clientId AS clientId "
        "FROM tickets t JOIN projects p ON p.id = t.projectId "
        "WHERE t.dependingTicketId = ? AND t.type = 'subtask' ORDER BY t.id",
        (ticketId,),
    )
    return [ticket_out(call, t) for t in rows if visible_project(call, t["projectId"])]


@method("Tickets.getStatusLabels", Param("projectId", "int"))
def get_status_labels(call: Call, projectId: int) -> dict[str, Row]:
    if call.sandbox.enforced and not visible_project(call, projectId):
        raise Fault("not_allowed", "Not allowed to view this project")
    return {
        str(status_id): {
            "name": label["name"],
            "statusType": label["statusType"],
            "class": label["class"],
            "sortKey": label["sortKey"],
            "kanbanCol": True,
        }
        for status_id, label in status_labels(call, projectId).items()
    }


@method("Tickets.addTicket", Param("values", "array"), write=True)
def add_ticket(call: Call, values: dict[str, Any]) -> int:
    headline = str(values.get("headline") or "").strip()
    if not headline:
        raise Fault("error", "A ticket needs a headline")
    try:
        project_id = int(values.get("projectId") or 0)
    except (TypeError, ValueError):
        raise Fault("error", "projectId is not a number") from None
    if call.db.scalar("SELECT 1 FROM projects WHERE id = ?", (project_id,)) is None:
        raise Fault("not_found", f"Project {project_id} not found")
    if not visible_project(call, project_id):
        raise Fault("not_allowed", "You are not allowed to add tickets to this project")
    changes = _patch_values(values)
    ticket_type = changes.get("type") or "task"
    parent = changes.get("dependingTicketId")
    if parent:
        found = ticket_row(call, parent)
        if found is None:
            raise Fault("not_found", f"Ticket {parent} not found")
    if changes.get("status") is None:
        labels = status_labels(call, project_id)
        new = [s for s, label in labels.items() if label["statusType"] == "NEW"]
        changes["status"] = new[0] if new else 3
    now = call.sandbox.now()
    row = {
        **changes,
        "projectId": project_id,
        "headline": headline,
        "type": ticket_type,
        "userId": call.caller["id"],
        "date": now,
        "modified": now,
    }
    for key in ("description", "tags"):
        row[key] = row.get(key) or ""
    for key in ("planHours", "hourRemaining"):
        row[key] = row.get(key) or 0
    return call.db.insert("tickets", row)


def _patch(call: Call, id: int, values: dict[str, Any]) -> bool:
    ticket = ticket_row(call, id)
    if ticket is None:
        if call.modern:
            raise Fault("not_found", f"Ticket {id} not found")
        return False
    if not visible_project(call, ticket["projectId"]):
        raise Fault("not_allowed", "You are not allowed to change this ticket")
    changes = _patch_values(values)
    if "headline" in changes and not str(changes["headline"]).strip():
        raise Fault("error", "A ticket needs a headline")
    changes["modified"] = call.sandbox.now()
    call.db.update("tickets", id, changes)
    return True


@method(
    "Tickets.patchTicket", Param("id", "int"), Param("values", "array"), since="3.9.0", write=True
)
def patch_ticket(call: Call, id: int, values: dict[str, Any]) -> bool:
    return _patch(call, id, values)


@method("Tickets.patch", Param("id", "int"), Param("params", "array"), api=False, write=True)
def patch(call: Call, id: int, params: dict[str, Any]) -> bool:
    return _patch(call, id, params)


@method("Tickets.delete", Param("id", "int"), write=True)
def delete_ticket(call: Call, id: int) -> bool:
    ticket = ticket_row(call, id)
    if ticket is None:
        if call.modern:
            raise Fault("not_found", f"Ticket {id} not found")
        return False
    if not visible_project(call, ticket["projectId"]):
        raise Fault("not_allowed", "You are not allowed to delete this ticket")
    call.db.execute("DELETE FROM tickets WHERE id = ?", (id,))
    return True


# -- timesheets ----------------------------------------------------------------------

TIMESHEET_SQL = (
    "SELECT s.id, s.userId, s.ticketId, s.workDate, s.hours, s.description, s.kind, "
    "p.name AS name, p.id AS projectId, p.clientName AS clientName, p.clientId AS clientId, "
    "s.invoicedEmpl, s.invoicedComp, s.invoicedEmplDate, s.invoicedCompDate, s.paid, "
    "s.paidDate, u.firstname, u.lastname, t.headline, t.planHours, t.tags, t.modified "
    "FROM timesheets s LEFT JOIN users u ON u.id = s.userId "
    "LEFT JOIN tickets t ON t.id = s.ticketId LEFT JOIN projects p ON p.id = t.projectId"
)


def _work_date(call: Call, params: dict[str, Any]) -> str:
    """The row's work date: the timestamp when given, else a bare date at local noon."""
    stamp = params.get("timestamp")
    if stamp not in (None, "", 0, "0"):
        try:
            moment = dt.datetime.fromtimestamp(float(stamp), dt.UTC)
        except (TypeError, ValueError, OverflowError):
            raise Fault("error", f"Could not read the timestamp {stamp!r}") from None
        return fmt(moment.replace(tzinfo=None))
    raw = params.get("date")
    if raw in (None, ""):
        raise Fault("error", "Date is a required field")
    try:
        day = dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise Fault("error", f"Could not read the date {raw!r}") from None
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=call.sandbox.zone(call.caller))
    return fmt(noon.astimezone(dt.UTC).replace(tzinfo=None))


def _write_time(call: Call, ticket_id: int, params: dict[str, Any], *, add: bool) -> bool:
    if params.get("hours") in (None, ""):
        raise Fault("error", "Hours is a required field")
    try:
        hours = round(float(params["hours"]), 4)
    except (TypeError, ValueError):
        raise Fault("error", f"Could not read the hours {params['hours']!r}") from None
    kind = params.get("kind")
    if not kind:
        raise Fault("error", "Timesheet type is a required field")
    if kind not in KINDS:
        raise Fault("error", f"Unknown timesheet type {kind!r}")
    user_id = call.caller["id"]
    if params.get("userId") not in (None, ""):
        try:
            user_id = int(params["userId"])
        except (TypeError, ValueError):
            raise Fault("error", f"Could not read the userId {params['userId']!r}") from None
    if call.modern and not call.is_manager:
        user_id = call.caller["id"]  # silently: only managers log for others
    if call.sandbox.user(user_id) is None:
        raise Fault("not_found", f"User {user_id} not found")
    if ticket_row(call, ticket_id) is None:
        raise Fault("not_found", f"Ticket {ticket_id} not found")
    work_date = _work_date(call, params)
    description = params.get("description")
    existing = call.db.row(
        "SELECT * FROM timesheets WHERE userId = ? AND ticketId = ? AND workDate = ? AND kind = ?",
        (user_id, ticket_id, work_date, kind),
    )
    now = call.sandbox.now()
    if existing is None:
        call.db.insert(
            "timesheets",
            {
                "userId": user_id,
                "ticketId": ticket_id,
                "workDate": work_date,
                "hours": hours,
                "kind": kind,
                # The repository's upsert inserts no description, whatever was sent.
                "description": str(description or "") if add else "",
                "modified": now,
            },
        )
    elif add:
        old = existing["description"] or ""
        if description:
            description = f"{description}\n--\n\n{old}" if old else str(description)
        else:
            description = old
        call.db.update(
            "timesheets",
            existing["id"],
            {
                "hours": round(existing["hours"] + hours, 4),
                "description": str(description),
                "modified": now,
            },
        )
    else:
        # ON DUPLICATE KEY UPDATE hours = ?: neither the description nor `modified` moves.
        call.db.update("timesheets", existing["id"], {"hours": hours})
    call.db.execute("DELETE FROM timesheets WHERE abs(hours) < 0.00001")
    return True


@method("Timesheets.logTime", Param("ticketId", "int"), Param("params", "array"), write=True)
def log_time(call: Call, ticketId: int, params: dict[str, Any]) -> bool:
    return _write_time(call, ticketId, params, add=True)


@method("Timesheets.upsertTime", Param("ticketId", "int"), Param("params", "array"), write=True)
def upsert_time(call: Call, ticketId: int, params: dict[str, Any]) -> bool:
    return _write_time(call, ticketId, params, add=False)


@method("Timesheets.deleteTime", Param("id", "int"), since="3.6.0", write=True)
def delete_time(call: Call, id: int) -> bool:
    row = call.db.row("SELECT * FROM timesheets WHERE id = ?", (id,))
    if row is None:
        if call.modern:
            raise Fault("not_found", f"Timesheet {id} not found")
        return False
    if row["userId"] != call.caller["id"] and not call.is_manager:
        return False  # 3.9.6 answers a refusal like a missing row
    call.db.execute("DELETE FROM timesheets WHERE id = ?", (id,))
    return True


@method("Timesheets.getTimesheet", Param("id", "int"), since="3.9.0")
def get_timesheet(call: Call, id: int) -> Row | bool:
    row = call.db.row(
        "SELECT s.id, s.userId, s.ticketId, s.workDate, s.hours, s.description, s.kind, "
        "t.projectId AS projectId, s.invoicedEmpl, s.invoicedComp, s.invoicedEmplDate, "
        "s.invoicedCompDate, s.paid, s.paidDate, s.modified FROM timesheets s "
        "LEFT JOIN tickets t ON t.id = s.ticketId WHERE s.id = ?",
        (id,),
    )
    if row is None or (row["userId"] != call.caller["id"] and not call.is_manager):
        return False
    return row


@method(
    "Timesheets.getAll",
    Param("dateFrom", "datetime"),
    Param("dateTo", "datetime"),
    Param("projectId", "int_or_array", -1),
    Param("kind", "str", "all"),
    Param("userId", "int", None, nullable=True),
    Param("invEmpl", "str", "-1"),
    Param("invComp", "str", "-1"),
    Param("ticketFilter", "str", "-1"),
    Param("paid", "str", "-1"),
    Param("clientId", "str", "-1"),
)
def get_all_timesheets(
    call: Call,
    dateFrom: dt.datetime,
    dateTo: dt.datetime,
    projectId: int | list[int],
    kind: str,
    userId: int | None,
    invEmpl: str,
    invComp: str,
    ticketFilter: str,
    paid: str,
    clientId: str,
) -> list[Row]:
    if call.modern and not call.is_manager and userId != call.caller["id"]:
        raise Fault("not_allowed", "Only managers may read other people's time")
    sql = TIMESHEET_SQL + " WHERE s.workDate >= ? AND s.workDate <= ?"
    params: list[Any] = [fmt(dateFrom), fmt(dateTo)]
    projects = projectId if isinstance(projectId, list) else [projectId]
    projects = [p for p in projects if p > 0]
    if projects:
        sql += f" AND t.projectId IN ({', '.join('?' * len(projects))})"
        params += projects
    if kind != "all":
        sql += " AND s.kind = ?"
        params.append(kind)
    if userId is not None:
        sql += " AND s.userId = ?"
        params.append(userId)
    if ticketFilter.lstrip("-").isdigit() and int(ticketFilter) > 0:
        sql += " AND s.ticketId = ?"
        params.append(int(ticketFilter))
    if clientId.lstrip("-").isdigit() and int(clientId) > 0:
        sql += " AND p.clientId = ?"
        params.append(int(clientId))
    for flag, column in ((invEmpl, "invoicedEmpl"), (invComp, "invoicedComp"), (paid, "paid")):
        if flag in ("0", "1"):
            sql += f" AND s.{column} = ?"
            params.append(int(flag))
    return call.db.rows(sql + " ORDER BY s.workDate, s.id", params)


@method(
    "Timesheets.getWeeklyTimesheets",
    Param("projectId", "int"),
    Param("fromDate", "datetime"),
    Param("userId", "int", 0),
)
def weekly_timesheets(call: Call, projectId: int, fromDate: dt.datetime, userId: int) -> Row:
    end = fromDate + dt.timedelta(days=7)
    sql = (
        TIMESHEET_SQL + " WHERE s.workDate >= ? AND s.workDate < ? AND s.userId = ? AND s.hours > 0"
    )
    params: list[Any] = [fmt(fromDate), fmt(end), userId]
    if projectId > 0:
        sql += " AND t.projectId = ?"
        params.append(projectId)
    zone = call.sandbox.zone(call.sandbox.user(userId) or call.caller)
    groups: dict[str, Row] = {}
    for row in call.db.rows(sql + " ORDER BY s.ticketId, s.kind, s.workDate DESC", params):
        work = dt.datetime.strptime(row["workDate"], DB_FORMAT)
        local = work.replace(tzinfo=dt.UTC).astimezone(zone)
        key = f"{row['ticketId']}-{row['kind']}-{local.strftime('%H:%M:%S')}"
        group = groups.get(key)
        if group is None:
            group = groups[key] = {
                "kind": row["kind"],
                "clientName": row["clientName"],
                "name": row["name"],
                "headline": row["headline"],
                "ticketId": row["ticketId"],
                "hasTimesheetOffset": local.time() != dt.time(0),
                "rowSum": 0.0,
            }
            for i in range(7):
                start = fromDate + dt.timedelta(days=i)
                group[f"day{i + 1}"] = {
                    "start": fmt(start),
                    "end": fmt(start + dt.timedelta(hours=23, minutes=59)),
                    "actualWorkDate": "",
                    "hours": 0,
                    "description": "",
                    "id": None,
                }
        for i in range(7):
            day = group[f"day{i + 1}"]
            if day["start"] <= row["workDate"] < day["end"]:
                day["hours"] += row["hours"]
                day["actualWorkDate"] = row["workDate"]
                day["description"] = row["description"]
                day["id"] = row["id"]
                break
        group["rowSum"] += row["hours"]
    return groups


@method("Timesheets.getLoggableHourTypes")
def loggable_hour_types(call: Call) -> dict[str, str]:
    return dict(KINDS)
