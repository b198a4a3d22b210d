"""Test support shared by every service: real-server fixtures (a pytest plugin) and fakes."""
