"""tenktui.ui layer.

Textual draws at most ``TEXTUAL_FPS`` frames a second, 60 unless told: a change
waits for the next frame's slot (up to 16.7 ms), and a widget that redraws just
after a frame went out waits a whole slot more. tenktui draws only when a key is
pressed or the store changes, so a shorter slot costs nothing at rest and takes
up to 16 ms off a keystroke (the keys benchmark: Enter 40 -> 25 ms, a week change
26 -> 18 ms at the median). Set here, before Textual is imported (its constants
read the variable once); a person's own ``TEXTUAL_FPS`` wins.
"""

import os

FRAMES_PER_SECOND = 240
os.environ.setdefault("TEXTUAL_FPS", str(FRAMES_PER_SECOND))
