"""Local doubles of outside systems, each a real server speaking the system's protocol."""
