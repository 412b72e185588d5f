"""Models that live in another registry (MLflow, SageMaker Model Registry), described neutrally and kept in sync.

The integrations themselves (their clients, webhooks and events) live in their own functions and in the CLI;
this package only knows the neutral description they translate into, and how the hub applies it.
"""
