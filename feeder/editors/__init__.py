"""Editors: accounts (CLI), the authenticated notice API and the admin web form.

- :mod:`.accounts`: the ``editors`` table, scrypt password hashes, API tokens, roles.
- :mod:`.cli`: ``feeder editor add|list|remove|token|password``.
- :mod:`.actions`: create/update/withdraw on behalf of an editor (role check, publish at once).
- :mod:`.routes`: what ``feeder run`` serves for editors: :mod:`.api` (``/api/notices``) and
  :mod:`.admin` (``/admin/``), behind :mod:`.security` (cross-origin refusal, headers),
  :mod:`.sessions` (signed cookie) and :mod:`.throttle` (429 after repeated failures).
"""
