"""ddcase: an offline case log for joint working between CMHTs and drug and alcohol services."""

__version__ = "0.1.0"
