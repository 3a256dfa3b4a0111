"""tenktui.api layer."""
