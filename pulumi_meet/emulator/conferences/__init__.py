"""Conference records: the 14 ``conferenceRecords`` methods and the conferences behind them.

- ``lifecycle.py`` — conferences as they happen (control API, endActiveConference), retention;
- ``bodies.py`` — the control API's conference bodies;
- ``records.py`` — who may read what, and the get/list rules; ``views.py`` the resources;
- ``filters.py``, ``paging.py`` — the ``filter`` grammar, page sizes and page tokens;
- ``messages.py`` — the message types (joined to ``messages.MESSAGES`` on import, here);
- ``people.py`` — user ids, display names, redacted phone numbers;
- ``responses.py`` — thin handlers named after the API operations;
- ``schema.py`` — the tables.
"""

from __future__ import annotations

from pulumi_meet.emulator.conferences import messages as _messages

__all__: list[str] = []

del _messages
