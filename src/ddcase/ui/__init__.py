"""The desktop app (PySide6 only): it calls the services and shows what they return."""
