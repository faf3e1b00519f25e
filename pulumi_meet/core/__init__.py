"""The engine-independent core: each resource's field table and the rules derived from it.

Nothing here imports Pulumi or talks to the network. Every front-end (the dynamic provider in
:mod:`pulumi_meet.dynamic`, the provider plugin, the command line) checks, diffs and converts
through these modules, so a property is declared once, as a row of its resource's table
(:mod:`.space_fields`, :mod:`.member_fields`; the row model in :mod:`.table`), and behaves the
same behind each of them through the field engine (:mod:`.engine`, :mod:`.values`).
"""
