"""Using a graph: its entity network in networkx, counts and central entities."""
