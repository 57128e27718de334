"""The version of kg, in one place the lowest modules can import."""

__version__ = "0.1.0"
