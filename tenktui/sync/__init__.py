"""tenktui.sync layer."""
