"""Each counting tool's rules, one function per tool: a tool's terms for one
:class:`~symconv.net.tool_ops.Op` as ``(category, expression, note)``.

Every rule follows the tool's own source in the version its tests pin (file and line
in :data:`symconv.net.conventions.CONVENTIONS`); the tools' bugs are kept and named.
The registry and the totals over a network are in :mod:`symconv.net.conventions`.
"""

from __future__ import annotations

import sympy

from .tool_ops import Op, numel

MAC, MAC2, TGRID, BIAS = ("weight MACs", "weight MACs again (FLOPs = 2 x MACs)",
                          "transposed conv on the output grid", "bias adds")
NORM, ACT, POOL, UP, ELT = "normalisation", "activations", "pooling", "upsampling", "element-wise ops"
PTF_TWICE = "ptflops bug: a module counted twice (its hook and the patched F.* it calls)"


# --- shared pieces ----------------------------------------------------------------

def _positions(op: Op, grid: str = "own") -> sympy.Expr:
    """Output positions per channel (``grid="input"``: input positions), batch included."""
    shape = op.input if grid == "input" else op.output
    return shape[0] * numel(shape[2:])


def weight_macs(op: Op, grid: str | None = None) -> sympy.Expr:
    """Weight MACs of a conv (on the input grid for a transposed one) or a linear layer."""
    if op.kind in ("conv", "conv-transpose"):
        grid = grid or ("input" if op.kind == "conv-transpose" else "output")
        k = numel(op.attr("kernel"))
        return k * op.attr("in_channels") / op.attr("groups") * op.attr("out_channels") \
            * _positions(op, grid)
    if op.kind == "linear":
        return numel(op.input[:-1]) * op.attr("in_features") * op.attr("out_features")
    if op.kind == "matmul":   # a product of two activations (attention), from the PyTorch import
        return op.attr("macs")
    return sympy.Integer(0)


def _bias(op: Op) -> sympy.Expr:
    if not op.attr("bias"):
        return sympy.Integer(0)
    if op.kind == "linear":
        return numel(op.output)
    return op.attr("out_channels") * _positions(op)


def _n(shape) -> sympy.Expr:
    return numel(shape)


def _is(op: Op, *targets) -> bool:
    return op.target in targets


# --- symconv and FlopCounterMode ----------------------------------------------------

def symconv_rule(op: Op):
    return [(MAC, weight_macs(op), "")]


def torch_rule(op: Op):
    m = weight_macs(op)
    return [(MAC, m, ""), (MAC2, m, "FlopCounterMode counts 2 FLOPs per MAC")]


# --- ptflops (pytorch backend, the default) --------------------------------------------

_PTF_ACT_MODULES = {"nn.ReLU", "nn.PReLU", "nn.ELU", "nn.LeakyReLU", "nn.ReLU6", "nn.GELU"}
#: module -> the patched function its forward calls (so ptflops counts it a second time)
_PTF_DOUBLE = {"nn.ReLU": "F.relu", "nn.PReLU": "F.prelu", "nn.ELU": "F.elu", "nn.GELU": "F.gelu",
               "nn.MaxPool1d": "F.max_pool1d", "nn.MaxPool2d": "F.max_pool2d",
               "nn.AvgPool1d": "F.avg_pool1d", "nn.AvgPool2d": "F.avg_pool2d",
               "nn.AdaptiveAvgPool1d": "F.adaptive_avg_pool1d",
               "nn.AdaptiveAvgPool2d": "F.adaptive_avg_pool2d",
               "nn.AdaptiveMaxPool1d": "F.adaptive_max_pool1d",
               "nn.AdaptiveMaxPool2d": "F.adaptive_max_pool2d", "nn.Upsample": "F.interpolate"}
#: modules ptflops does not hook but whose functional call it patches
_PTF_VIA_FUNCTION = {"nn.SiLU": "F.silu", "nn.Softmax": "F.softmax",
                     "nn.UpsamplingNearest2d": "F.interpolate",
                     "nn.UpsamplingBilinear2d": "F.interpolate"}
_PTF_FUNCTIONS = {"F.relu", "F.prelu", "F.elu", "F.relu6", "F.gelu", "F.silu", "F.softmax",
                  "F.avg_pool1d", "F.avg_pool2d", "F.max_pool1d", "F.max_pool2d",
                  "F.adaptive_avg_pool1d", "F.adaptive_avg_pool2d", "F.adaptive_max_pool1d",
                  "F.adaptive_max_pool2d", "F.interpolate", "F.upsample"}
_PTF_TENSOR = {"torch.add", "Tensor.add", "torch.mul", "Tensor.mul"}
_POOL_KINDS = ("max-pool", "avg-pool", "adaptive-avg-pool", "adaptive-max-pool")


def _category(op: Op) -> str:
    if op.kind in ("batchnorm", "layernorm", "groupnorm", "instancenorm"):
        return NORM
    if op.kind in _POOL_KINDS or op.kind == "mean":
        return POOL
    if op.kind == "upsample":
        return UP
    if op.kind in ("add", "mul", "sub", "div"):
        return ELT
    return ACT


def _ptf_function(op: Op, target: str):
    """What a patched function adds: numel of its input, or the interpolate formula."""
    if target in ("F.interpolate", "F.upsample"):
        size, scale = op.attr("size"), op.attr("scale_factor")
        n, c = op.input[0], op.input[1]
        dims = len(op.input) - 2
        if size is not None:
            sizes = size if isinstance(size, (tuple, list)) else (size,) * dims
            return numel(sizes) * n * c
        if isinstance(scale, tuple) and len(scale) == dims:
            return _n(op.input) * int(numel(scale))
        return _n(op.input) * sympy.nsimplify(scale) ** dims
    return _n(op.input)


def ptflops_rule(op: Op):
    if op.kind in ("conv", "conv-transpose", "linear"):
        if op.via != "module":
            return []
        return [(MAC, weight_macs(op), ""), (BIAS, _bias(op), "ptflops adds one per output "
                                              "element of a layer with bias")]
    terms = []
    if op.via == "module":
        if op.kind in ("batchnorm", "groupnorm", "instancenorm", "layernorm"):
            # bn_flops_counter_hook: hasattr(module, "affine") -- LayerNorm's is elementwise_affine
            twice = op.attr("affine") and op.kind != "layernorm"
            terms.append((NORM, _n(op.input) * (2 if twice else 1),
                          "1 per element, 2 with affine (LayerNorm always 1: it has no .affine)"))
        elif op.target in _PTF_ACT_MODULES:
            terms.append((ACT, _n(op.output), "1 per element"))
        elif op.kind in _POOL_KINDS:
            terms.append((POOL, _n(op.input), "1 per input element"))
        elif op.target == "nn.Upsample":
            terms.append((UP, _n(op.output[1:]), "1 per output element of the first sample"))
        if op.target in _PTF_DOUBLE:
            fn = _PTF_DOUBLE[op.target]
            terms.append((PTF_TWICE, _ptf_function(op, fn),
                          f"{op.target} is hooked, and its forward calls the patched {fn}"))
        elif op.target in _PTF_VIA_FUNCTION:
            fn = _PTF_VIA_FUNCTION[op.target]
            terms.append((_category(op), _ptf_function(op, fn), "counted through the patched " + fn))
        return terms
    if op.target in _PTF_FUNCTIONS:
        return [(_category(op), _ptf_function(op, op.target), "patched " + op.target)]
    if op.target in _PTF_TENSOR:
        return [(ELT, _n(op.output), "patched " + op.target + ": 1 per element")]
    return []


# --- thop ---------------------------------------------------------------------------

_UPSAMPLE_THOP = {"nearest": 1, "linear": 5, "bilinear": 11, "bicubic": 259}


def thop_rule(op: Op):
    if op.via != "module":
        return []
    if op.kind in ("conv", "conv-transpose"):
        out = weight_macs(op, grid="output")
        terms = [(MAC, weight_macs(op), "")]
        if op.kind == "conv-transpose":
            terms.append((TGRID, out - weight_macs(op), "thop counts a transposed conv on its "
                                                          "output positions (x stride^2)"))
        return terms
    if op.kind == "linear":
        return [(MAC, weight_macs(op), "")]
    if op.kind in ("batchnorm", "layernorm", "instancenorm"):
        return [(NORM, 2 * _n(op.input) * (2 if op.attr("affine") else 1),
                 "2 per element, x 2 with affine")]
    if op.target == "nn.AvgPool2d" or op.target == "nn.AvgPool1d":
        return [(POOL, _n(op.output), "1 per output element")]
    if op.target in ("nn.AdaptiveAvgPool2d", "nn.AdaptiveAvgPool1d"):
        window = numel(op.input[2:]) / numel(op.output[2:])
        return [(POOL, sympy.floor((window + 1) * _n(op.output)),
                 "(window + 1) per output element")]
    if op.target == "nn.PReLU":
        return [(ACT, _n(op.input), "1 per element")]
    if op.target == "nn.Softmax":
        return [(ACT, _n(op.input) / op.input[-1] * (3 * op.input[-1] - 1), "3n - 1 per row")]
    if op.kind == "upsample" and op.target in ("nn.Upsample", "nn.UpsamplingNearest2d",
                                               "nn.UpsamplingBilinear2d"):
        return [(UP, _UPSAMPLE_THOP.get(op.attr("mode"), 0) * _n(op.output), "per output element")]
    return []


# --- torchinfo ------------------------------------------------------------------------

def torchinfo_rule(op: Op):
    if op.via != "module":
        return []
    params = op.attr("params")
    if op.kind in ("conv", "conv-transpose"):
        mac_out = weight_macs(op, grid="output")
        terms = [(MAC, weight_macs(op), ""), (BIAS, _bias(op), "bias x output positions")]
        if op.kind == "conv-transpose":
            terms.append((TGRID, mac_out - weight_macs(op), "parameters x output positions"))
        return terms
    if op.kind == "linear":
        return [(MAC, op.attr("in_features") * op.attr("out_features") * op.output[0], ""),
                (BIAS, op.attr("out_features") * op.output[0] if op.attr("bias") else 0, "")]
    if params:
        return [(_category(op), params * op.output[0], "its parameters x batch, once per call")]
    return []


# --- calflops and DeepSpeed -------------------------------------------------------------

_CF_ACT = {"F.relu", "F.prelu", "F.elu", "F.leaky_relu", "F.relu6", "F.silu", "F.gelu", "F.softmax"}
#: modules whose forward calls a patched function
_CF_MODULE = {"nn.ReLU": "F.relu", "nn.PReLU": "F.prelu", "nn.ELU": "F.elu",
              "nn.LeakyReLU": "F.leaky_relu", "nn.SiLU": "F.silu", "nn.GELU": "F.gelu",
              "nn.Softmax": "F.softmax", "nn.Upsample": "F.interpolate",
              "nn.UpsamplingNearest2d": "F.interpolate", "nn.UpsamplingBilinear2d": "F.interpolate"}


def _conv_grid(n, k, s, p, d):
    return sympy.floor((n + 2 * p - (d * (k - 1) + 1)) / s) + 1


def _cf_function(op: Op) -> str | None:
    if op.via == "module":
        if op.kind in _POOL_KINDS:
            return "F.pool"
        return _CF_MODULE.get(op.target)
    return op.target


def calflops_like(op: Op, fixed: bool):
    """calflops 0.3.2 (fixed=False) and DeepSpeed 0.19.8 (fixed=True): (terms, macs)."""
    if op.kind == "conv":
        macs = weight_macs(op)
        return [(MAC, macs, ""), (MAC2, macs, "FLOPs = 2 x MACs"),
                (BIAS, _bias(op), "FLOPs add one per output element with bias")], macs
    if op.kind == "conv-transpose":
        g = op.attr("groups")
        right = weight_macs(op)
        terms = [(MAC, right, "")]
        if fixed:
            macs = right
        else:
            per_group = op.attr("out_channels") // g     # weight.shape[1]
            macs = numel(op.attr("kernel")) * op.attr("in_channels") * (per_group // g) \
                * _positions(op, "input")
            if macs != right:
                terms.append(("calflops bug: grouped transposed conv divided by g twice",
                              macs - right, "out_channels = weight.shape[1] is already per group"))
        terms.append((MAC2, macs, "FLOPs = 2 x MACs"))
        if op.attr("bias"):
            if fixed:
                bias = _bias(op)
            else:
                grid = [_conv_grid(n, k, s, p, d) for n, k, s, p, d in zip(
                    op.input[2:], op.attr("kernel"), op.attr("stride"), op.attr("padding"),
                    op.attr("dilation"))]
                bias = op.attr("out_channels") // g * op.input[0] * numel(grid)
            terms.append((BIAS, _bias(op), ""))
            if bias != _bias(op):
                terms.append(("calflops bug: transposed conv bias on the forward-conv grid",
                              bias - _bias(op), "bias counted on (H + 2p - d(k-1) - 1)//s + 1 "
                              "positions of weight.shape[1] channels"))
        return terms, macs
    if op.kind == "linear":
        macs = weight_macs(op)
        return [(MAC, macs, ""), (MAC2, macs, "FLOPs = 2 x MACs (linear: bias ignored)")], macs
    fn = _cf_function(op)
    n_in = _n(op.input)
    if op.kind == "batchnorm" and (op.via == "module" or fn == "F.batch_norm"):
        per = (5 if op.attr("affine") else 4) if op.attr("batch_stats") else (
            2 if op.attr("affine") else 1)
        return [(NORM, n_in * per, f"{per} per element")], 0
    if op.kind in ("layernorm", "groupnorm", "instancenorm") and op.via == "module":
        return [(NORM, n_in * (5 if op.attr("affine") else 4), "5 per element with affine, else 4")], 0
    if fn == "F.pool" or fn in {"F." + t for t in ("avg_pool1d", "avg_pool2d", "max_pool1d",
                                                   "max_pool2d", "adaptive_avg_pool1d",
                                                   "adaptive_avg_pool2d", "adaptive_max_pool1d",
                                                   "adaptive_max_pool2d")}:
        return [(POOL, n_in, "1 per input element")], 0
    if fn in _CF_ACT:
        return [(ACT, n_in, "1 per element of " + fn)], 0
    if fn in ("F.interpolate", "F.upsample"):
        size, scale = op.attr("size"), op.attr("scale_factor")
        dims = len(op.input) - 2
        if size is not None:
            value = numel(size if isinstance(size, (tuple, list)) else (size,))
            note = "prod(size): no batch or channels (bug)"
        elif fixed:
            value = n_in * (numel(scale) if isinstance(scale, (tuple, list))
                            else sympy.nsimplify(scale) ** dims)
            note = "input elements x scale"
        else:
            value, note = n_in, "input elements: the scale factor is dropped (bug)"
        return [(UP, value, note)], 0
    if op.target in ("torch.add", "Tensor.add", "torch.mul", "Tensor.mul"):
        return [(ELT, _n(op.output), "patched " + op.target)], 0
    return [], 0


def calflops_rule(op: Op):
    return calflops_like(op, fixed=False)[0]


def deepspeed_rule(op: Op):
    return calflops_like(op, fixed=True)[0]


# --- fvcore ----------------------------------------------------------------------------

def fvcore_rule(op: Op):
    if op.kind in ("conv", "conv-transpose", "linear"):
        return [(MAC, weight_macs(op), "")]
    if op.kind == "batchnorm":
        per = (5 if op.attr("affine") else 4) if op.attr("batch_stats") else (
            2 if op.attr("affine") else 1)
        return [(NORM, _n(op.input) * per, f"{per} per element")]
    if op.kind in ("layernorm", "groupnorm", "instancenorm"):
        return [(NORM, _n(op.input) * (5 if op.attr("affine") else 4), "5 with affine, else 4")]
    if op.kind == "adaptive-avg-pool" and len(op.input) == 4:
        return [(POOL, _n(op.input), "aten::adaptive_avg_pool2d: 1 per input element")]
    if op.kind == "upsample" and len(op.input) == 4:
        per = {"nearest": 1, "bilinear": 4}.get(op.attr("mode"), 0)
        return [(UP, per * _n(op.output), f"{per} per output element")]
    return []


def keras_params(analysis) -> sympy.Expr:
    """Keras's Total params: every weight, trainable or not (BN moving mean and variance too)."""
    return analysis.total["params"] + analysis.total["bn_buffers"]
