"""Accounts and their versions: rules only, standard library only."""
