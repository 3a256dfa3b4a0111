"""status, who, assignments and subtasks through the real executable."""

from __future__ import annotations

import pytest

from tests import test_cli_helpers as helpers
from tests.conftest import RunningSandbox, both_readings
from tests.test_cli_helpers import Cli, me_id

# The shared fixtures, bound under their own names for pytest.
cli = helpers.cli
logged_in = helpers.logged_in
# Statuses come in an order the reference does not state: run against both readings.
reading = both_readings

DESIGN = "Website Redesign — Design"


def design_assignment(cli: Cli) -> dict:
    """The demo's assignment of me@example.com to the Design phase (it has subtasks)."""
    return next(a for a in cli.json("assignments")["assignments"] if a["label"] == DESIGN)


@pytest.mark.slow
def test_status_show_set_and_who(logged_in: Cli, fresh_server: RunningSandbox) -> None:
    cli = logged_in
    shown = cli.json("status")["status"]
    assert shown is None or shown["status"] in ("ITO", "WFH", "SIC", "OOO", "VAC", "OOF")
    result = cli.json("status", "wfh", "--message", "Remote today")
    assert result["sync"] == "saved"
    assert result["status"]["status"] == "WFH" and result["status"]["message"] == "Remote today"
    me = me_id(fresh_server)
    with fresh_server.api() as api:
        statuses = api.get(f"/users/{me}/statuses", params={"per_page": 1000}).json()["data"]
    latest = max(statuses, key=lambda s: (s["created_at"], s["id"]))
    assert (latest["status"], latest["message"]) == ("WFH", "Remote today")
    assert "WFH · Working from home · Remote today" in cli.ok("status").out

    people = cli.json("who")["people"]
    mine = next(p for p in people if p["id"] == me)
    assert mine["status"]["status"] == "WFH"
    assert len(people) > 5
    with fresh_server.api() as api:
        for person in people:  # every status was fetched, not only the first ten
            listed = api.get(f"/users/{person['id']}/statuses", params={"per_page": 1000}).json()[
                "data"
            ]
            newest = max(listed, key=lambda s: (s["created_at"], s["id"]), default=None)
            expected = newest["status"] if newest else None
            assert (person["status"] or {}).get("status") == expected, person["name"]
    board = cli.ok("who").out
    assert "Robin Hale" in board and "Remote today" in board


def test_assignments_of_the_week_and_a_range(logged_in: Cli) -> None:
    cli = logged_in
    week = cli.json("assignments")
    assert (week["from"], week["to"]) == ("2026-11-23", "2026-11-29")
    labels = {a["id"]: a["label"] for a in week["assignments"]}
    assert DESIGN in labels.values()
    ahead = cli.json("assignments", "--from", "2026-12-07", "--to", "2026-12-13")
    assert {a["id"] for a in ahead["assignments"]} != set(labels)
    text = cli.ok("assignments").out
    assert "Website Redesign — Design" in text and "50%" in text
    refused = cli.run("assignments", "--from", "2026-12-13", "--to", "2026-12-07")
    assert refused.code == 2


def server_subtasks(server: RunningSandbox, project: int, assignment: int) -> dict[str, bool]:
    with server.api() as api:
        items = api.get(f"/projects/{project}/assignments/{assignment}/subtasks").json()["data"]
    return {s["description"]: s["completed"] for s in items}


@pytest.mark.slow
def test_subtasks_list_add_done_undo_rename_rm(
    logged_in: Cli, fresh_server: RunningSandbox
) -> None:
    cli = logged_in
    assignment = design_assignment(cli)
    assignment_id, project = assignment["id"], assignment["assignable_id"]
    listing = cli.json("subtasks", str(assignment_id))
    before = server_subtasks(fresh_server, project, assignment_id)
    assert {s["description"]: s["completed"] for s in listing["subtasks"]} == before
    assert cli.json("subtasks", "list", str(assignment_id)) == listing

    added = cli.json("subtasks", "add", str(assignment_id), "Write the tests")
    new_id = added["subtask"]["id"]
    assert added["sync"] == "saved" and added["subtask"]["server_id"] is not None
    cli.ok("subtasks", "done", str(new_id))
    assert server_subtasks(fresh_server, project, assignment_id)["Write the tests"] is True
    cli.ok("subtasks", "undo", str(new_id))
    cli.ok("subtasks", "rename", str(new_id), "Write more tests")
    after = server_subtasks(fresh_server, project, assignment_id)
    assert after == {**before, "Write more tests": False}
    cli.ok("subtasks", "rm", str(new_id))
    assert server_subtasks(fresh_server, project, assignment_id) == before

    empty = cli.run("subtasks", "add", str(assignment_id), "   ")
    assert empty.code == 2 and "A subtask needs a description." in empty.err
    assert server_subtasks(fresh_server, project, assignment_id) == before
    everything = cli.json("subtasks")["assignments"]
    assert assignment_id in {a["assignment"]["id"] for a in everything}
    missing = cli.run("subtasks", "done", "99999")
    assert missing.code == 2 and "No subtask 99999" in missing.err
    stranger = cli.run("subtasks", "99999")
    assert stranger.code == 2 and "Assignment 99999 is not one of yours" in stranger.err
