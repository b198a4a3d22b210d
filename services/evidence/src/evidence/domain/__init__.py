"""Rules of evidence and archives; standard library only."""
