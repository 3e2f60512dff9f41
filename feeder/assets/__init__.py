"""Static files published beside the outputs: ``banner.js`` (the embeddable banner) and
``feed.xsl`` (the stylesheet that shows RSS and Atom as a readable page in a browser).

Loaded through :mod:`feeder.publish.assets`; shipped as package data (pyproject ``assets/*``).
"""
