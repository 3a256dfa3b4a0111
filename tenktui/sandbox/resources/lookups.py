"""Account-level lookup lists: roles, disciplines, time entry categories, holidays."""

from __future__ import annotations

from tenktui.sandbox.http import Doc, Page, Request, router


@router.route("GET", "/roles")
def list_roles(req: Request) -> Page:
    return req.page(kind="roles")


@router.route("GET", "/roles/{role_id}")
def show_role(req: Request) -> Doc:
    return req.require("roles", req.path_int("role_id"), "Role")


@router.route("GET", "/disciplines")
def list_disciplines(req: Request) -> Page:
    return req.page(kind="disciplines")


@router.route("GET", "/disciplines/{discipline_id}")
def show_discipline(req: Request) -> Doc:
    return req.require("disciplines", req.path_int("discipline_id"), "Discipline")


@router.route("GET", "/time_entry_categories")
def list_time_entry_categories(req: Request) -> Page:
    return req.page(kind="time_entry_categories")


@router.route("GET", "/holidays")
def list_holidays(req: Request) -> Page:
    return req.page(kind="holidays", order="date, id")
