"""The AI Governance Hub's shared package: domain, data access, auth and API routes (the `govhub` layer)."""
