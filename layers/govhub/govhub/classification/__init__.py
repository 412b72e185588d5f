"""EU AI Act risk classification: the questionnaire (data), the deterministic classifier, the application
timeline (data), operator roles and the EU database record (Annex VIII)."""
