"""govhub: the AI Governance Hub command-line client for CI pipelines."""

__version__ = "0.1.0"
