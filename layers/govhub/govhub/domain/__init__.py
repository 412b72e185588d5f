"""Domain objects and rules. No boto3 here."""
