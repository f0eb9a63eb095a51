"""Alembic environment for ddcase. Kept minimal (no fileConfig, no logging set-up): it runs inside
the app, on the connection that storage/migrations.py opened and holds in one transaction."""

from alembic import context

from ddcase.storage.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    compare_type=True,
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
