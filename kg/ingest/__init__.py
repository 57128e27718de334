"""Stage 1 of the flow: files, folders, standard input and ready-made texts become
:class:`~kg.ingest.documents.Document` objects, one reader per format."""
