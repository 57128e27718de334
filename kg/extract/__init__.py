"""Stage 2 of the flow: spaCy Docs, then mentions, entities, quotes and relation
candidates, gathered per document as an :class:`~kg.extract.extraction.Extraction`.

Nothing here touches rdflib: :mod:`kg.rdf.triples` turns extractions into RDF.
"""
