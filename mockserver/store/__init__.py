"""The mock's mutable state: the store engines (memory, Redis), worlds, snapshots and the --state file."""
