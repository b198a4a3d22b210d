"""The evidence service: evidence under WORM retention, archives, access approvals and borrowing."""
