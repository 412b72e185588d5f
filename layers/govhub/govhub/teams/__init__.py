"""Teams: who owns models. Membership is the identity provider's (Cognito groups `team-<slug>`); the hub keeps the
list of teams with their display names, managed by administrators and audited."""
