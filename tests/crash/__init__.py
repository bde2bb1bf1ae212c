"""The crash harness (``python3 -m tests.crash``): SIGKILL at random moments, then invariants."""
