"""tenktui: keyboard-first, offline-first time tracking for 10,000ft and Leantime."""

__version__ = "0.1.0"
