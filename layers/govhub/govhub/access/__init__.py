"""The access log: who read what (report generations and downloads), kept apart from the models' change chains.

A model's hash chain holds its changes only; reading a report changes nothing. Each generation is still recorded,
immutably, as one JSON object in the audit bucket under ``access/`` (Object Lock like the chain), with index items
in the table for auditors' queries (by model, by day).
"""
