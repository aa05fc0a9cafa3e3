#!/usr/bin/env python3
"""Generate golden PyTorch fixtures for the GraftEngine tests.

For each supported op (matmul, conv2d, conv_transpose2d, avg_pool2d,
upsample_nearest2d) this script runs small float32 CPU computations in
PyTorch, including a backward pass with a random ``grad_output``, and
writes the inputs, outputs and gradients to
``Tests/GraftEngineTests/Fixtures/<op>.json``.

File format (one file per op)::

    {"op": "conv2d",
     "cases": [{"name": "...",
                "params": {...},
                "tensors": {"input": {"shape": [...], "data": [...]}, ...}}]}

``data`` is the flat row-major list of elements; each element is the exact
float32 value written as a JSON double, so parsing it and converting to
Float reproduces the PyTorch value bit for bit.

Generation is deterministic: ``torch.manual_seed(0)`` is called at the
start of each op's generation.

Rerun from the repository root with::

    python3 Scripts/make_engine_fixtures.py

(requires PyTorch, see ``Scripts/requirements-dev.txt``). Use
``--out DIR`` to write somewhere else.
"""


import torch
import torch.nn.functional as F

from fixture_common import REPO_ROOT, randn, run, tensor_json

DEFAULT_OUT = REPO_ROOT / "Tests" / "GraftEngineTests" / "Fixtures"




def make_case(name, params, tensors):
    """Build one fixture case from a name, params dict and tensor dict."""
    return {
        "name": name,
        "params": params,
        "tensors": {k: tensor_json(v) for k, v in tensors.items()},
    }




# ----------------------------------------------------------------------------
# Ops
# ----------------------------------------------------------------------------


def gen_matmul():
    """Cases for torch.matmul (2-D, batched and broadcasting)."""
    torch.manual_seed(0)
    specs = [
        ("2d", (3, 4), (4, 5)),
        ("batched", (2, 3, 4), (2, 4, 5)),
        ("batched_broadcast_rhs", (2, 3, 4), (4, 5)),
        ("batched_broadcast_batch", (2, 1, 3, 4), (3, 4, 2)),
        ("vector_like_outer", (5, 1), (1, 6)),
    ]
    cases = []
    for name, a_shape, b_shape in specs:
        a = randn(*a_shape, grad=True)
        b = randn(*b_shape, grad=True)
        out = torch.matmul(a, b)
        grad_out = randn(*out.shape)
        out.backward(grad_out)
        cases.append(make_case(name, {}, {
            "a": a, "b": b, "output": out, "grad_output": grad_out,
            "grad_a": a.grad, "grad_b": b.grad,
        }))
    return cases


def gen_conv2d():
    """Cases for F.conv2d with bias and symmetric stride/padding."""
    torch.manual_seed(0)
    specs = [
        # name, input shape, weight shape, stride, padding
        ("3x3_s1_p1", (2, 3, 7, 7), (4, 3, 3, 3), 1, 1),
        ("3x3_s2_p0", (2, 3, 8, 8), (5, 3, 3, 3), 2, 0),
        ("dcgan_4x4_s2_p1", (2, 4, 8, 8), (6, 4, 4, 4), 2, 1),
        ("rect_kernel_3x2", (1, 2, 6, 5), (3, 2, 3, 2), 1, 0),
        ("1x1", (2, 3, 4, 4), (2, 3, 1, 1), 1, 0),
        ("odd_size_4x4_s2_p1", (1, 2, 9, 9), (2, 2, 4, 4), 2, 1),
    ]
    cases = []
    for name, x_shape, w_shape, stride, padding in specs:
        x = randn(*x_shape, grad=True)
        w = randn(*w_shape, grad=True)
        b = randn(w_shape[0], grad=True)
        out = F.conv2d(x, w, b, stride=stride, padding=padding)
        grad_out = randn(*out.shape)
        out.backward(grad_out)
        cases.append(make_case(name, {"stride": stride, "padding": padding}, {
            "input": x, "weight": w, "bias": b,
            "output": out, "grad_output": grad_out,
            "grad_input": x.grad, "grad_weight": w.grad, "grad_bias": b.grad,
        }))
    return cases


def gen_conv_transpose2d():
    """Cases for F.conv_transpose2d with bias (weight is [Cin, Cout, kh, kw])."""
    torch.manual_seed(0)
    specs = [
        # name, input shape, weight shape, stride, padding, output_padding
        ("dcgan_4x4_s2_p1", (2, 4, 4, 4), (4, 3, 4, 4), 2, 1, 0),
        ("3x3_s1_p0", (2, 3, 5, 5), (3, 2, 3, 3), 1, 0, 0),
        ("3x3_s2_p1_op1", (1, 3, 4, 4), (3, 2, 3, 3), 2, 1, 1),
        ("4x4_s1_p0", (2, 2, 3, 3), (2, 3, 4, 4), 1, 0, 0),
        ("project_1x1_to_4x4", (2, 5, 1, 1), (5, 3, 4, 4), 1, 0, 0),
    ]
    cases = []
    for name, x_shape, w_shape, stride, padding, out_pad in specs:
        x = randn(*x_shape, grad=True)
        w = randn(*w_shape, grad=True)
        b = randn(w_shape[1], grad=True)
        out = F.conv_transpose2d(x, w, b, stride=stride, padding=padding,
                                 output_padding=out_pad)
        grad_out = randn(*out.shape)
        out.backward(grad_out)
        params = {"stride": stride, "padding": padding,
                  "output_padding": out_pad}
        cases.append(make_case(name, params, {
            "input": x, "weight": w, "bias": b,
            "output": out, "grad_output": grad_out,
            "grad_input": x.grad, "grad_weight": w.grad, "grad_bias": b.grad,
        }))
    return cases


def gen_avg_pool2d():
    """Cases for F.avg_pool2d (padding 0, ceil_mode False)."""
    torch.manual_seed(0)
    specs = [
        ("k2_s2", (2, 3, 6, 6), 2, 2),
        ("k3_s2", (1, 2, 7, 7), 3, 2),
        ("k2_s1_rect", (2, 2, 5, 4), 2, 1),
    ]
    cases = []
    for name, x_shape, kernel, stride in specs:
        x = randn(*x_shape, grad=True)
        out = F.avg_pool2d(x, kernel_size=kernel, stride=stride, padding=0,
                           ceil_mode=False)
        grad_out = randn(*out.shape)
        out.backward(grad_out)
        cases.append(make_case(name, {"kernel": kernel, "stride": stride}, {
            "input": x, "output": out, "grad_output": grad_out,
            "grad_input": x.grad,
        }))
    return cases


def gen_upsample_nearest2d():
    """Cases for F.interpolate(mode="nearest") with an integer scale."""
    torch.manual_seed(0)
    specs = [
        ("scale2", (2, 3, 3, 4), 2),
        ("scale3", (1, 2, 2, 2), 3),
    ]
    cases = []
    for name, x_shape, scale in specs:
        x = randn(*x_shape, grad=True)
        out = F.interpolate(x, scale_factor=scale, mode="nearest")
        grad_out = randn(*out.shape)
        out.backward(grad_out)
        cases.append(make_case(name, {"scale": scale}, {
            "input": x, "output": out, "grad_output": grad_out,
            "grad_input": x.grad,
        }))
    return cases


GENERATORS = {
    "matmul": gen_matmul,
    "conv2d": gen_conv2d,
    "conv_transpose2d": gen_conv_transpose2d,
    "avg_pool2d": gen_avg_pool2d,
    "upsample_nearest2d": gen_upsample_nearest2d,
}


# ----------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------





def main():
    run(__doc__, DEFAULT_OUT, GENERATORS, lambda op, cases: {"op": op, "cases": cases})


if __name__ == "__main__":
    main()
