"""Serious incidents (EU AI Act Art. 73, Art. 26(5)): the register, its lifecycle and the reporting deadlines as data."""
