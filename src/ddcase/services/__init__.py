"""The service layer: what the desktop app and the command line both call. Services validate,
open one transaction, use the repository, and return frozen domain values or raise a DomainError
whose message a user can read."""
