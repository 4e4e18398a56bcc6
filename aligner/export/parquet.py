"""Parquet export (the ``[parquet]`` extra): the CSV table's columns, typed, for pandas and Arrow tools.

Columns are those of :mod:`aligner.export.delimited` (``doc_id`` first for a corpus; ``score`` a
float64, every other column a string); texts are written as they are (no spreadsheet formula guard).
The run signature and the language tags are in the file's key-value metadata (``aligner.signature``,
``aligner.src_lang``, ``aligner.tgt_lang``), so the table itself stays plain.
"""
from __future__ import annotations

from typing import BinaryIO

from ..extras import require
from .base import Documents, ExportOptions, ExportStats, corpus_signature, peek
from .delimited import TableExporter, table_header, table_rows

ROW_GROUP = 50_000
"""Rows buffered before a row group is written: memory stays flat on any corpus size."""


class ParquetExporter(TableExporter):
    """Every bead of one document or a corpus as a Parquet table, written in row groups."""

    name = "parquet"
    suffixes: tuple[str, ...] = (".parquet",)
    binary = True

    def _write(self, documents: Documents, stream: BinaryIO, options: ExportOptions, corpus: bool) -> ExportStats:
        pa = require("pyarrow", "Parquet output")
        pq = require("pyarrow.parquet", "Parquet output")
        stats = ExportStats(format=self.name)
        columns = table_header(options, corpus)
        score = columns.index("score")
        metadata = {"aligner.src_lang": options.src_lang, "aligner.tgt_lang": options.tgt_lang}
        first, documents = peek(documents)
        signature = corpus_signature(first, options)
        if signature:
            metadata["aligner.signature"] = signature
        schema = pa.schema([(c, pa.float64() if k == score else pa.string()) for k, c in enumerate(columns)],
                           metadata=metadata)
        buffer: list[list] = []

        def flush(writer) -> None:
            if buffer:
                writer.write_table(pa.Table.from_pylist([dict(zip(columns, values)) for values in buffer], schema=schema))
                buffer.clear()

        with pq.ParquetWriter(stream, schema) as writer:
            for values in table_rows(documents, options, stats, corpus):
                buffer.append(values)
                if len(buffer) >= ROW_GROUP:
                    flush(writer)
            flush(writer)
        return stats


PARQUET = ParquetExporter()
