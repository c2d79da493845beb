#!/usr/bin/env python3
"""PyTorch baseline for benchmarks/model.ts: a Qwen2 train step (forward, backward, AdamW)
and KV-cache decoding, on the same shapes, printed as one JSON object.

    /usr/bin/python3 benchmarks/reference/bench_qwen2_torch.py '{"vocab":512,"hidden":256,...}'

`"device": "cuda"` in the JSON runs it on a GPU (timings then synchronize the device);
`"threads": n` pins PyTorch's intra-op threads. The output names the BLAS this process
actually loaded (Debian's python3-torch runs on whatever libblas.so.3 the alternatives
system selects: the netlib reference BLAS unless OpenBLAS is installed).
"""
import ctypes
import json
import math
import os
import re
import sys
import time

import torch
import torch.nn.functional as F


def rms_norm(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Qwen2(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        H, I, V = c["hidden"], c["mlp"], c["vocab"]
        self.hd = H // c["heads"]
        kv = c["kvHeads"] * self.hd
        P = torch.nn.Parameter
        self.embed = P(torch.randn(V, H) * 0.02)
        self.layers = torch.nn.ModuleList()
        for _ in range(c["layers"]):
            m = torch.nn.Module()
            m.ln1, m.ln2 = P(torch.ones(H)), P(torch.ones(H))
            m.q, m.k, m.v = torch.nn.Linear(H, H), torch.nn.Linear(H, kv), torch.nn.Linear(H, kv)
            m.o = torch.nn.Linear(H, H, bias=False)
            m.gate, m.up = torch.nn.Linear(H, I, bias=False), torch.nn.Linear(H, I, bias=False)
            m.down = torch.nn.Linear(I, H, bias=False)
            self.layers.append(m)
        self.norm = P(torch.ones(H))
        inv = 1.0 / (10000.0 ** (torch.arange(0, self.hd, 2).float() / self.hd))
        self.register_buffer("inv_freq", inv)

    def rope(self, x, pos):
        f = pos[..., None].float() * self.inv_freq
        e = torch.cat((f, f), -1)[:, None]
        return x * e.cos() + rotate_half(x) * e.sin()

    def forward(self, ids, pos, cache=None, start=0):
        B, T = ids.shape
        nh, nkv, hd = self.c["heads"], self.c["kvHeads"], self.hd
        x = self.embed[ids]
        for li, m in enumerate(self.layers):
            h = rms_norm(x, m.ln1, 1e-6)
            q = self.rope(m.q(h).view(B, T, nh, hd).transpose(1, 2), pos)
            k = self.rope(m.k(h).view(B, T, nkv, hd).transpose(1, 2), pos)
            v = m.v(h).view(B, T, nkv, hd).transpose(1, 2)
            if cache is not None:
                kc, vc = cache[li]
                kc[:, :, start:start + T] = k
                vc[:, :, start:start + T] = v
                k, v = kc[:, :, :start + T], vc[:, :, :start + T]
            rep = nh // nkv
            k = k.repeat_interleave(rep, 1)
            v = v.repeat_interleave(rep, 1)
            S = k.shape[2]
            s = q @ k.transpose(-1, -2) / math.sqrt(hd)
            mask = torch.ones(T, S, dtype=torch.bool, device=x.device).tril(S - T)
            s = s.masked_fill(~mask, float("-inf"))
            a = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(B, T, -1)
            x = x + m.o(a)
            h = rms_norm(x, m.ln2, 1e-6)
            x = x + m.down(F.silu(m.gate(h)) * m.up(h))
        return rms_norm(x, self.norm, 1e-6) @ self.embed.T


def loaded_blas():
    """The BLAS/LAPACK libraries mapped into this process, and OpenBLAS's own config line
    when it is one of them (read after a matmul, so the library is surely loaded)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps
                            if re.search(r"blas|mkl|blis|accelerate|veclib", line.split()[-1], re.I)})
    except OSError:
        paths = []
    if not paths:
        info = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
        return f"BLAS_INFO={info.group(1) if info else 'unknown'} (no /proc/self/maps)"
    config = None
    for path in paths:
        try:
            cfg = ctypes.CDLL(path).openblas_get_config
            cfg.restype = ctypes.c_char_p
            config = " ".join(cfg().decode().split()[:2])  # "OpenBLAS 0.3.21"
            break
        except (OSError, AttributeError):
            continue
    files = ", ".join(os.path.basename(p) for p in paths)
    if config is not None:
        return f"{config} ({files})"
    if any(re.search(r"/blas/libblas\.so", os.path.realpath(p)) for p in paths):
        return f"netlib reference BLAS ({files})"
    return f"unidentified BLAS ({files})"


def main():
    c = json.loads(sys.argv[1])
    torch.manual_seed(0)
    torch.set_num_threads(c.get("threads", torch.get_num_threads()))
    probe = torch.randn(64, 64)
    (probe @ probe).sum().item()
    dev = torch.device(c.get("device", "cpu"))
    # GPU work is asynchronous: time only after the device has finished.
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    model = Qwen2(c).to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    B, T = c["batch"], c["seq"]
    ids = torch.randint(0, c["vocab"], (B, T), device=dev)
    pos = torch.arange(T, device=dev).expand(B, T)

    def step():
        logits = model(ids[:, :-1], pos[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, c["vocab"]), ids[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()

    step()
    sync()
    t0 = time.perf_counter()
    steps = c.get("trainSteps", 3)
    for _ in range(steps):
        step()
    sync()
    train_s = (time.perf_counter() - t0) / steps

    nkv, hd = c["kvHeads"], c["hidden"] // c["heads"]
    prompt, new = c.get("decodePrompt", 16), c.get("decodeTokens", 64)
    with torch.no_grad():
        def decode():
            cache = [(torch.zeros(B, nkv, prompt + new, hd, device=dev), torch.zeros(B, nkv, prompt + new, hd, device=dev)) for _ in range(c["layers"])]
            p = torch.randint(0, c["vocab"], (B, prompt), device=dev)
            logits = model(p, torch.arange(prompt, device=dev).expand(B, prompt), cache, 0)
            tok = logits[:, -1].argmax(-1, keepdim=True)
            sync()
            t0 = time.perf_counter()
            for i in range(new):
                logits = model(tok, torch.full((B, 1), prompt + i, device=dev), cache, prompt + i)
                tok = logits[:, -1].argmax(-1, keepdim=True)
            sync()
            return time.perf_counter() - t0
        decode()
        decode_s = decode()
    print(json.dumps({
        "backend": f"pytorch {torch.__version__} " + (
            f"cuda ({torch.cuda.get_device_name()})" if dev.type == "cuda" else f"cpu ({torch.get_num_threads()} threads)"),
        "trainStepSeconds": train_s,
        "trainTokensPerSecond": B * (T - 1) / train_s,
        "decodeTokensPerSecond": B * new / decode_s,
        "threads": torch.get_num_threads(),
        "blas": loaded_blas() if dev.type == "cpu" else f"cuBLAS (CUDA {torch.version.cuda})",
    }))


if __name__ == "__main__":
    main()
