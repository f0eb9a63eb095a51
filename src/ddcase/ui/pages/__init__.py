"""The pages of the main window: the tabs (each a `Page`) and the first-run welcome."""
