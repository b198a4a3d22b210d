"""The registry service: the checklist, the entity registry and the inspector registry (一单两库)."""
