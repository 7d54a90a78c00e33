"""The lab: everything beyond the chapter, built on its Block, RMSE, loop and history.

- :mod:`.fitter`: the one fitter interface (``FitConfig``, ``EvalConfig``, ``FitResult``)
  every model below is fitted through;
- :mod:`.fitting`: ``AutoRecFitter`` and ``fit_autorec``, item- or user-based AutoRec with
  train, validation and test RMSE per epoch, the best epoch chosen on validation data,
  early stopping, a row shard and a kvstore for data-parallel training;
- :mod:`.variants`: AutoRec with other activations and depths (the chapter's exercises);
- :mod:`.fast`: ``FastAutoRec``, the same model with a hybridizable body, for speed;
- :mod:`.sparse`: sparse storage, dense batches (CSR matrices for ML-10M and Netflix,
  ``fit_autorec(..., storage=)``);
- :mod:`.baselines`: global mean, user/item biases, d2l's matrix factorisation, as
  fitters;
- :mod:`.protocol`: the AutoRec paper's evaluation protocol, for any fitter;
- :mod:`.stats`: summaries of a ratings table (sparsity, long tail);
- :mod:`.ranking`: Recall@K and NDCG@K on held-out ratings, the popularity model;
- :mod:`.recommend`: top-K lists with titles, rate-it-yourself with U-AutoRec;
- :mod:`.diagram`: a drawing of AutoRec and its mask;
- :mod:`.figures`: the lessons' figures, by concept (data, curves, protocol, scaling);
- :mod:`.reproduce`: the protocol from a terminal, ``python -m d2l_ext.lab.reproduce``.

Each module is imported on its own (``from d2l_ext.lab.fitting import fit_autorec``);
importing this package imports none of them.
"""
