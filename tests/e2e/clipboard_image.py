#!/usr/bin/python3
"""Puts an image on the X clipboard for the desktop E2E tests, as an image
viewer's "copy image" does, and keeps owning it (X selections live in
their owner) until killed. Prints "ready" once the clipboard holds it.

Usage: clipboard_image.py WIDTH HEIGHT
"""

import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GdkPixbuf, GLib, Gtk  # noqa: E402


def main():
    width, height = int(sys.argv[1]), int(sys.argv[2])
    pixbuf = GdkPixbuf.Pixbuf.new(GdkPixbuf.Colorspace.RGB, True, 8, width, height)
    pixbuf.fill(0x3366CCFF)
    clipboard = Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD)
    clipboard.set_image(pixbuf)

    def report():
        print("ready", flush=True)
        return False

    GLib.idle_add(report)
    Gtk.main()


if __name__ == "__main__":
    main()
