"""Storage: SQLModel tables, the engine, migrations, and the repository that turns rows into
domain values. Imported only by services and the command line's composition root."""
