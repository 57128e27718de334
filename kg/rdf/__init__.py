"""Stage 3 of the flow: extractions become RDF triples with provenance, and graphs
are queried (sandboxed SPARQL) and exported in the W3C formats."""
