"""One run of another counting tool on a torchvision model, for benchmarks/run.py.

    python benchmarks/peers.py TOOL MODEL START STOP [--sample K]

TOOL is ptflops, fvcore, thop or flopcounter (torch.utils.flop_counter.FlopCounterMode);
MODEL a torchvision model (resnet50, vgg16); the input is 1 x 3 x S x S for every S in
START..STOP (both included). Prints one JSON line: the tool's count at each size (MACs
for ptflops, thop and fvcore, which report multiply-accumulates; FlopCounterMode's
FLOPs / 2), and the seconds the loop over sizes took (after the imports and the model).

The model is built on PyTorch's "meta" device (shapes only, no arithmetic) for the tools
that work there (FlopCounterMode, ptflops, thop); fvcore traces the model with TorchScript,
which needs real tensors, so it runs on the CPU. With ``--sample K`` only K sizes spread
evenly over the range are counted (for a tool too slow to run them all: the benchmark
says that it extrapolated).
"""

from __future__ import annotations

import json
import sys
import time

TOOLS = {"ptflops": "ptflops", "fvcore": "fvcore", "thop": "thop", "flopcounter": "torch"}
META = {"flopcounter", "ptflops", "thop"}


def _counter(tool: str, model, device: str):
    import torch

    if tool == "flopcounter":
        from torch.utils.flop_counter import FlopCounterMode

        def count(s):
            with FlopCounterMode(display=False) as counter, torch.no_grad():
                model(torch.empty(1, 3, s, s, device=device))
            return counter.get_total_flops() // 2
    elif tool == "thop":
        import thop

        def count(s):
            macs, _ = thop.profile(model, inputs=(torch.empty(1, 3, s, s, device=device),),
                                   verbose=False)
            return int(macs)
    elif tool == "ptflops":
        from ptflops import get_model_complexity_info

        def count(s):
            macs, _ = get_model_complexity_info(model, (3, s, s), as_strings=False,
                                                print_per_layer_stat=False, verbose=False)
            return int(macs)
    elif tool == "fvcore":
        from fvcore.nn import FlopCountAnalysis

        def count(s):
            with torch.no_grad():
                analysis = FlopCountAnalysis(model, torch.zeros(1, 3, s, s))
                analysis.unsupported_ops_warnings(False)
                analysis.uncalled_modules_warnings(False)
                return int(analysis.total())
    else:
        raise SystemExit(f"unknown tool {tool!r}; use one of {', '.join(TOOLS)}")
    return count


def main(argv: list[str]) -> int:
    import warnings

    warnings.filterwarnings("ignore")
    tool, model_name, start, stop = argv[0], argv[1], int(argv[2]), int(argv[3])
    sample = int(argv[argv.index("--sample") + 1]) if "--sample" in argv else None
    import torch
    import torchvision

    device = "meta" if tool in META else "cpu"
    model = getattr(torchvision.models, model_name)().to(device).eval()
    count = _counter(tool, model, device)
    sizes = list(range(start, stop + 1))
    if sample and sample < len(sizes):
        step = (len(sizes) - 1) / (sample - 1) if sample > 1 else 0
        sizes = [sizes[round(i * step)] for i in range(sample)]
    begin = time.perf_counter()
    counts = [count(s) for s in sizes]
    loop = time.perf_counter() - begin
    print(json.dumps({"tool": tool, "torch": torch.__version__, "sizes": sizes,
                      "counts": counts, "loop_seconds": loop}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
