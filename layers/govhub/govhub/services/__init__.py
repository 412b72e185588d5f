"""Use cases of the registry, over repository ports given to their constructors."""
