"""A test-only service: the province dispatches, counties apply, through the real bus."""
