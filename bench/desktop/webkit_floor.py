"""The floor under the desktop's idle memory: WebKitGTK 4.1 showing a one-line page in a GTK window,
hosted by the system Python (PyGObject) instead of the app — the same engine, libraries, display and
renderer settings, with none of wxfleet. Run by measure.py beside the app (needs Debian's python3-gi
and gir1.2-webkit2-4.1; skipped when they are missing)."""

import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import Gtk, WebKit2  # noqa: E402

window = Gtk.Window(title="webkit floor")
window.set_default_size(1200, 800)
view = WebKit2.WebView()
window.add(view)
view.load_html("<!doctype html><html><body><h1>blank</h1></body></html>", "file:///")
# Tells measure.py the page is up, as the app's "interactive" line does.
view.connect("load-changed", lambda _v, event: event == WebKit2.LoadEvent.FINISHED and print("interactive after load", file=sys.stderr, flush=True))
window.connect("destroy", Gtk.main_quit)
window.show_all()
Gtk.main()
