"""The ``kg`` command: a thin click layer over the public Python API."""
