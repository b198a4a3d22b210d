"""Test vectors of the draw (`vectors.json`) and the script that writes them (`generate.py`)."""
