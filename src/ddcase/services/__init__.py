"""Services: what the command line and the screens call. Each validates, stores and returns plain
domain values."""
