"""Which profile a command or the app is for, and how to log in to it again: all the
app's start needs of the commands package (:mod:`tenktui.commands.context`, with its
classes, is for the headless commands)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tenktui.config import Profile, load_config

if TYPE_CHECKING:
    import argparse


def load_profile(args: argparse.Namespace) -> tuple[Any, Profile]:
    """The config and the profile the command is for (``ConfigError`` → exit 2)."""
    config = load_config()
    return config, config.pick(getattr(args, "profile", None))


def login_command(profile: Profile) -> str:
    """The ``tenktui login`` line that renews this profile's token."""
    line = (
        f"tenktui login --profile {profile.name} --base-url {profile.base_url} "
        f"--email {profile.email}"
    )
    if profile.backend != "tenkft":
        line += f" --backend {profile.backend}"
        if profile.timezone:
            line += f" --timezone {profile.timezone}"
    return line
