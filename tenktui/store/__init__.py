"""tenktui.store layer."""
