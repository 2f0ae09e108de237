#!/usr/bin/python3
"""A tiny GTK window that is a real drag source for the desktop E2E tests.

Usage: drag_source.py FILE [FILE...]

It shows one button at the top-left corner of the screen; dragging from it
offers the files as `text/uri-list` (what a file manager offers), so a drag
driven by xdotool from this button onto the app window is a real X11/GTK
drag-and-drop. Prints "ready X Y" (the button's centre on screen) once it is
mapped, then runs until killed. While a drag runs it prints what GTK tells
the source, one line each, so a test knows whether a drop happened: "begin"
(the drag started), "data" (a target asked for the files), "failed REASON"
(no drop: GTK's GtkDragResult) and "end" (the drag is over).
"""

import sys
from pathlib import Path

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

URIS = [Path(p).resolve().as_uri() for p in sys.argv[1:]]


def say(line):
    print(line, flush=True)


def on_drag_data_get(_widget, _context, data, _info, _time):
    data.set_uris(URIS)
    say("data")


def on_drag_failed(_widget, _context, result):
    say(f"failed {result.value_nick}")
    return False


def report_position(button):
    window = button.get_window()
    if window is None:
        return True
    _, x, y = window.get_origin()
    alloc = button.get_allocation()
    print(f"ready {x + alloc.x + alloc.width // 2} {y + alloc.y + alloc.height // 2}", flush=True)
    return False


def main():
    if not URIS:
        sys.exit("usage: drag_source.py FILE [FILE...]")
    window = Gtk.Window(title="confab-drag-source")
    window.set_default_size(160, 80)
    window.move(0, 0)
    window.set_keep_above(True)
    button = Gtk.Button(label="drag me")
    button.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
    button.drag_source_add_uri_targets()
    button.connect("drag-data-get", on_drag_data_get)
    button.connect("drag-begin", lambda *_: say("begin"))
    button.connect("drag-failed", on_drag_failed)
    button.connect("drag-end", lambda *_: say("end"))
    window.add(button)
    window.connect("destroy", Gtk.main_quit)
    window.show_all()
    GLib.timeout_add(50, report_position, button)
    Gtk.main()


if __name__ == "__main__":
    main()
