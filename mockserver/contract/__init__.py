"""The contract-test kit: documented facts as checks, run against any base URL."""
