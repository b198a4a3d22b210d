"""Least privilege at the object store: each service reads and writes its own buckets as a MinIO user of its own
(`users.py`, run with the store's root key like a migration), whose policy (`policy.py`) never reaches past
object lock."""

from hrss.storage.policy import FORBIDDEN, service_policy
from hrss.storage.users import ensure_locked_bucket, ensure_service_user, remove_service_user

__all__ = ["FORBIDDEN", "ensure_locked_bucket", "ensure_service_user", "remove_service_user", "service_policy"]
