"""``python -m kg``: the same as the ``kg`` command."""

from kg._main import main

main()
