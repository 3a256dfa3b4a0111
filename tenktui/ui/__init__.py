"""tenktui.ui layer."""
