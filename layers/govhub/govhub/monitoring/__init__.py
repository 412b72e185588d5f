"""Post-market monitoring (EU AI Act Art. 72): a plan per model, production observations, findings, periodic reviews."""
