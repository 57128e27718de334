"""Using a graph: the offline, interactive HTML view."""
