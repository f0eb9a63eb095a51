"""Qt table models over lists of domain values (STYLE §3)."""
