"""The ``pulumi-meet`` operator command line (``main`` in :mod:`.main`, commands in a table in
:mod:`.parser`)."""
