"""Static files shipped with feeder (package data, pyproject ``assets/*``).

Published into ``output_dir`` by :mod:`feeder.publish.assets`: ``banner.js`` (the embeddable
banner). ``admin.js`` and ``admin.css`` belong to the editors' form (:mod:`feeder.editors.admin`)
and are served by ``feeder run`` only, never published.
"""
