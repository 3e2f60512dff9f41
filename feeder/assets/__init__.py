"""Static files shipped with feeder (package data, pyproject ``assets/*``).

Published into ``output_dir`` by :mod:`feeder.publish.assets`: ``banner.js`` (the embeddable
banner) and ``feed.xsl`` (the stylesheet that shows RSS and Atom as a readable page in a
browser). ``admin.js`` and ``admin.css`` belong to the editors' form (:mod:`feeder.editors.admin`)
and are served by ``feeder run`` only, never published.
"""
