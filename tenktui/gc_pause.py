"""The garbage collector paused from the command line to the app's first frame.

Start-up allocates some 90,000 objects that live as long as the app (modules, classes,
styles, widgets): the collector's passes over them before the first frame cost about
as much as drawing the week, and free almost nothing (measured with ``gc.callbacks``
on the large cache: about 125 passes, 80-100 ms, against 25 ms for a bare Textual app).
So ``tenktui`` (the app, not the headless commands) pauses it while it starts, and the
app resumes it once its first frame is out: one full pass, then ``gc.freeze()`` moves
what survived to the permanent generation, so later passes (while the person types)
no longer walk the start-up objects. Textual pauses the collector during smooth
scrolling for the same reason (``App.PAUSE_GC_ON_SCROLL``).

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


def resume(*, collect: bool = True) -> None:
    """Collect once, freeze the survivors and turn collection back on, if :func:`pause`
    turned it off (``collect=False``: only turn it back on, as the app ends)."""
    global _paused
    if not _paused:
        return
    _paused = False
    if collect:
        gc.collect()
        gc.freeze()
    gc.enable()


def paused() -> bool:
    """Whether :func:`pause` holds the collector off."""
    return _paused
