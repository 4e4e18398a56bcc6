"""SmoothQuant scaling of a BERT before dynamic int8 quantisation.

Dynamic int8 quantises each activation tensor with one scale, so a few channels with large
values (BERT's post-LayerNorm outlier channels) flatten every other channel into a few levels.
Dividing each input channel ``j`` of a projection by ``s_j`` and multiplying the weight's column
``j`` by the same ``s_j`` leaves the fp32 result unchanged and moves the range from the
activations into the weights, which are quantised per output channel (Xiao et al. 2023,
*SmoothQuant*): ``s_j = amax(x_j)^alpha / amax(w_j)^(1 - alpha)``.

The activation maxima come from a few bundled sample sentences (``data/int8_calibration.txt``);
dynamic quantisation still takes each batch's own range, so the sentences only shape the
scaling. The attention-output projection's scaling is folded into the value projection (the
attention context is linear in the values, channel by channel); the query/key/value and the
feed-forward input projections get a ``Mul`` by ``1/s`` in front, put into the fused ONNX graph.
"""
from __future__ import annotations

from importlib import resources
from typing import Dict, List, Sequence

ALPHA = 0.5
CALIBRATION_FILE = "int8_calibration.txt"


def calibration_sentences() -> List[str]:
    """The bundled Indonesian and English sample sentences the activation maxima come from."""
    text = resources.files("aligner.embed").joinpath("data", CALIBRATION_FILE).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _projections(bert) -> Dict[str, object]:
    """Per layer, the three places to smooth: ``qkv`` (the self-attention module, whose
    query/key/value share one input), ``ffn_in`` and ``attn_out`` (Linear modules)."""
    out = {}
    for k, layer in enumerate(bert.encoder.layer):
        out[f"{k}.qkv"] = layer.attention.self
        out[f"{k}.ffn_in"] = layer.intermediate.dense
        out[f"{k}.attn_out"] = layer.attention.output.dense
    return out


def activation_maxima(bert, batches: Sequence[tuple]) -> Dict[str, "object"]:
    """Per-channel max |x| of the inputs of every projection to smooth, over the attended
    tokens of ``batches`` (``(input_ids, attention_mask)`` tensor pairs)."""
    import torch

    maxima: Dict[str, torch.Tensor] = {}
    current = {}

    def hook(name):
        def record(module, args, kwargs):
            x = args[0] if args else kwargs["hidden_states"]
            keep = current["mask"].reshape(-1).bool()
            amax = x.detach().reshape(-1, x.shape[-1])[keep].abs().amax(0)
            maxima[name] = torch.maximum(maxima[name], amax) if name in maxima else amax
        return record

    handles = [m.register_forward_pre_hook(hook(n), with_kwargs=True) for n, m in _projections(bert).items()]
    try:
        with torch.no_grad():
            for ids, mask in batches:
                current["mask"] = mask
                bert(input_ids=ids, attention_mask=mask)
    finally:
        for h in handles:
            h.remove()
    return maxima


def _scale(amax, weight_columns, alpha: float):
    """``s_j = amax_j^alpha / wmax_j^(1 - alpha)``, kept away from zero."""
    wmax = weight_columns.abs().amax(0).clamp(min=1e-5)
    return (amax.clamp(min=1e-5) ** alpha / wmax ** (1 - alpha)).clamp(min=1e-5)


def smooth_bert(bert, batches: Sequence[tuple], alpha: float = ALPHA) -> Dict[str, "object"]:
    """Rescale ``bert``'s weights in place for flat per-channel projection inputs.

    Returns, per ``"<layer>.qkv"`` and ``"<layer>.ffn_in"``, the vector the projection's input must
    be multiplied by (``1/s``) for the output to stay what it was; :func:`divide_inputs` puts
    those ``Mul`` nodes into the exported, fused graph.  The attention-output scaling needs none.
    """
    import torch

    maxima = activation_maxima(bert, batches)
    inverse: Dict[str, object] = {}
    with torch.no_grad():
        for k, layer in enumerate(bert.encoder.layer):
            att = layer.attention.self
            qkv = [att.query, att.key, att.value]
            s = _scale(maxima[f"{k}.qkv"], torch.cat([p.weight for p in qkv], 0), alpha)
            for p in qkv:
                p.weight.mul_(s)
            inverse[f"{k}.qkv"] = (1.0 / s).numpy().astype("float32")

            ffn = layer.intermediate.dense
            s = _scale(maxima[f"{k}.ffn_in"], ffn.weight, alpha)
            ffn.weight.mul_(s)
            inverse[f"{k}.ffn_in"] = (1.0 / s).numpy().astype("float32")

            out = layer.attention.output.dense
            s = _scale(maxima[f"{k}.attn_out"], out.weight, alpha)
            att.value.weight.div_(s[:, None])
            att.value.bias.div_(s)
            out.weight.mul_(s)
    return inverse


def divide_inputs(model, inverse: Dict[str, "object"], num_layers: int) -> None:
    """Put a ``Mul`` by ``inverse[...]`` in front of each fused ``Attention`` node (in graph order,
    one per layer) and each ``.../layer.N/intermediate/dense/MatMul`` of the ONNX ``model``."""
    import numpy as np
    from onnx import helper, numpy_helper

    graph = model.graph
    attention = [n for n in graph.node if n.op_type == "Attention"]
    ffn_in = {}
    for n in graph.node:
        parts = n.name.strip("/").split("/")
        if n.op_type == "MatMul" and parts[-3:] == ["intermediate", "dense", "MatMul"] and parts[-4].startswith("layer."):
            ffn_in[int(parts[-4].split(".", 1)[1])] = n
    if len(attention) != num_layers or sorted(ffn_in) != list(range(num_layers)):
        raise ValueError(f"unexpected fused graph: {len(attention)} Attention and {len(ffn_in)} feed-forward nodes "
                         f"for {num_layers} layers")
    targets = {node.name: f"{k}.qkv" for k, node in enumerate(attention)}
    targets.update({ffn_in[k].name: f"{k}.ffn_in" for k in range(num_layers)})
    nodes = []
    for node in graph.node:
        key = targets.get(node.name)
        if key is not None:
            name = f"smooth_{key.replace('.', '_')}"
            graph.initializer.append(numpy_helper.from_array(np.asarray(inverse[key], np.float32), f"{name}_scale"))
            nodes.append(helper.make_node("Mul", [node.input[0], f"{name}_scale"], [f"{name}_out"], name=name))
            node.input[0] = f"{name}_out"
        nodes.append(node)
    copies = [type(n)() for n in nodes]
    for copy, node in zip(copies, nodes):
        copy.CopyFrom(node)
    del graph.node[:]
    graph.node.extend(copies)
