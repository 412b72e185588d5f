"""Datasets and lineage (EU AI Act Art. 10, Annex IV 2(d)): the data each model version was trained, validated and
tested on, the model it was built from, and who is affected when a dataset turns out bad."""
