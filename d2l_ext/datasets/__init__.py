"""Data sourcing: where ratings come from, how they are verified, how they are read.

- :mod:`.registry`: one table of the data sets (address, checksums, file layout, rating
  scale, canonical folds);
- :mod:`.store`: find a data set locally, verify it, or download and extract it safely;
- :mod:`.movielens`: read MovieLens files (ML-100K, its folds, ML-1M, ML-10M);
- :mod:`.items`: read ML-100K's movies (``u.item``: titles, years, genres; Latin-1);
- :mod:`.netflix`: read the Netflix Prize files (not downloadable: bring your copy);
- :mod:`.ratings`: read and check a ratings file of your own; map ids to ``1..n``.

The chapter's own readers (``read_data_ml100k`` and friends) live in :mod:`d2l_ext.data`
and use this subpackage.
"""
