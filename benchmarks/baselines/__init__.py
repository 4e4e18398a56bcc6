"""Small, honest re-implementations of published aligners, run with our embedder, for benchmarks only.

They follow the published descriptions (papers and READMEs) of bertalign (Liu & Zhu 2022) and
vecalign (Thompson & Koehn 2019) with their default settings; they exist to be beaten fairly.
"""
