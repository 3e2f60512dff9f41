"""Editors: accounts (CLI), the authenticated notice API and the admin web form.

- :mod:`.accounts`: password hashing (scrypt), API tokens, validation and roles; the accounts
  themselves live in the store (:mod:`feeder.store.editors`).
- :mod:`.cli`: ``feeder editor add|list|remove|token|password``.
- :mod:`.routes`: what ``feeder run`` serves for editors: :mod:`.api` (``/api/notices``) and
  :mod:`.admin` (``/admin/``), behind :mod:`.security` (cross-origin refusal, headers),
  :mod:`.sessions` (signed cookie) and :mod:`.throttle` (429 after repeated failures).

Every change goes through :class:`feeder.app.Feeder` (validation, the editor's role, the store
and its audit entry, publishing before the answer).
"""
