"""ddcase: an offline case log for joint working between CMHTs and drug and alcohol services."""

__version__ = "0.1.0"
__licence__ = "MIT"  # the full text: ddcase.paths.licence_text()
__copyright__ = "Copyright (c) 2026 The ddcase developers"
