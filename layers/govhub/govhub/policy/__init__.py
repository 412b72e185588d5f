"""The policy engine: policy documents, the evaluator, the EU AI Act obligations and the policy use cases."""
