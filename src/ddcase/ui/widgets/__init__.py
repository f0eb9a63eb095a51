"""The app's pages and drawn widgets (the run chart, the 12-month strip)."""
