"""Generated data for the sandbox (placeholder: replaced by the full generator)."""

from __future__ import annotations

from tenktui.sandbox import models
from tenktui.sandbox.state import Sandbox


def populate(sandbox: Sandbox, scale: str = "demo", seed: int = 0) -> None:
    db = sandbox.db
    now = sandbox.now()
    with db.transaction():
        db.put(
            "users",
            models.user(
                db.next_id(), now, first_name="Me", last_name="Example", email="me@example.com"
            ),
        )
        for name in ("Senior", "Junior"):
            db.put("roles", models.value_record(db.next_id(), name))
