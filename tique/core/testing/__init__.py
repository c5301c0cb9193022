"""Test support shared by several apps' tests (imported by tests only)."""
