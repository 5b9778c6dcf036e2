"""The voice loop: stages wired with threads and bounded queues (DESIGN.md, "The data path")."""
