"""Provider-agnostic machinery: clock, world, pagination, auth, errors, validation."""
