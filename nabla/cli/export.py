"""``nabla export``: a saved model as an ONNX file (``nabla.onnx.export``), for runtimes without nabla."""

from __future__ import annotations

import argparse

from .errors import UsageError, one_line
from .model_file import open_model
from .options import positive_int


def run(args: argparse.Namespace) -> int:
    model = open_model(args.model)
    try:
        import nabla.onnx
    except ImportError as e:
        raise UsageError(one_line(e)) from None
    try:
        proto = nabla.onnx.export(model, None, args.output, opset_version=args.opset)
    except ValueError as e:  # a layer without an ONNX form, an opset out of range
        raise UsageError(one_line(e)) from None
    except OSError as e:  # a folder given as the output, a read-only folder
        raise UsageError(f"cannot write {args.output}: {e.strerror or e}") from None
    shapes = [
        "(" + ", ".join(d.dim_param or str(d.dim_value) for d in v.type.tensor_type.shape.dim) + ")"
        for v in (proto.graph.input[0], proto.graph.output[0])
    ]
    print(f"wrote {args.output}: ONNX opset {args.opset}, input {shapes[0]} -> output {shapes[1]}, float32")
    return 0


def add_parser(commands) -> argparse.ArgumentParser:
    cmd = commands.add_parser(
        "export",
        help="write a saved model as an ONNX file, for runtimes without nabla",
        description="Convert a model file (from 'nabla train' or model.save) to ONNX: the same raw inputs, the "
        "same outputs, any batch size. Needs the onnx package (pip install 'nabla[onnx]').",
    )
    cmd.add_argument("model", help="a model file, e.g. nabla-run/model.nabla")
    cmd.add_argument("output", help="the ONNX file to write, e.g. model.onnx")
    cmd.add_argument("--opset", type=positive_int, default=17, help="ONNX opset version (default 17)")
    cmd.set_defaults(run=run)
    return cmd
