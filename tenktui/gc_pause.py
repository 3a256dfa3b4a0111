"""The garbage collector paused from the command line to the app's first frame.

Start-up allocates some 90,000 objects that live as long as the app (modules, classes,
styles, widgets): the collector's passes over them before the first frame cost about
as much as drawing the week, and free almost nothing (measured with ``gc.callbacks``
on the large cache: about 125 passes, 80-100 ms, against 25 ms for a bare Textual app).
So ``tenktui`` (the app, not the headless commands) pauses it while it starts, and the
app resumes it once its first frame is drawn: ``gc.freeze()`` moves everything alive
then to the permanent generation, so later passes (while the person types) never walk
the start-up objects again, and collection is back on.

No full pass at resume: one took 60-200 ms right after the first frame (a key typed
then waited for it) to free about 9,000 objects; freezing keeps them instead, once
(about 1.3 MB of RSS on the large cache), and takes 0.2 ms. Textual pauses the
collector during smooth scrolling for the same reason (``App.PAUSE_GC_ON_SCROLL``).

Nothing is paused twice and nothing resumes what it did not pause: ``resume`` is safe
to call from anywhere (tests run the app with the collector on).
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop automatic collection until :func:`resume` (a no-op if it is already off)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume(*, freeze: bool = True) -> None:
    """Freeze what is alive and turn collection back on, if :func:`pause` turned it off
    (``freeze=False``: only turn it back on, as when the app could not start)."""
    global _paused
    if not _paused:
        return
    _paused = False
    if freeze:
        gc.freeze()
    gc.enable()


def paused() -> bool:
    """Whether :func:`pause` holds the collector off."""
    return _paused
