"""The embedded local stack: the whole hub on one machine, without Docker or an AWS account.

moto in server mode, in a process of its own, is the AWS backend; resources are created from template.yaml;
a gateway routes HTTP requests to the same handlers API Gateway would call, with the same events and authorizers.
"""
