"""One dialog per file: built in code, validated as the user types, returning a draft value."""
