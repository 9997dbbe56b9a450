"""Mock server and contract-test kit for four social-interactions APIs."""

__version__ = "0.1.0"
