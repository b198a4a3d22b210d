"""Payload contracts of the platform's services, importable by every producer and consumer."""
