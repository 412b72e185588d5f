"""Evidence: documents that prove an obligation is met (a risk management procedure, instructions for use, a
declaration of conformity, a FRIA, test reports...), uploaded straight to S3 through a presigned PUT that S3 checks
against a declared SHA-256, verified by the hub after upload, signed off by a second person, dated (valid from /
until) and never overwritten: a new revision is a new object, a withdrawal keeps the object under retention."""
