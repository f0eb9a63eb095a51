"""Pure rules: no Qt, SQL, files or clock."""
