"""Approvals: what an approval seals, when a change reopens it, and who may sign it off."""
