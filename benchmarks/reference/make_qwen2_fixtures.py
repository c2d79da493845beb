#!/usr/bin/env python3
"""Builds the tiny Qwen2 test fixtures of @sapphire-rl/model with an independent PyTorch
implementation of HF `Qwen2ForCausalLM` (written here from the architecture: transformers
is not available). Run with Debian's torch:

    /usr/bin/python3 benchmarks/reference/make_qwen2_fixtures.py packages/model/test/fixtures

Writes, per checkpoint, an HF snapshot (config.json + safetensors, written by the small
writer below, not by the TypeScript code under test) and expected.json holding logits for
fixed ids and greedy continuations, computed in float64 from the stored weights (a bf16
checkpoint is upcast exactly, so the TypeScript f32 forward must match within f32 error).

  qwen2-f32-tied/    F32, tie_word_embeddings=true, one model.safetensors
  qwen2-bf16-untied/ BF16, untied lm_head, two shards + model.safetensors.index.json
  dtype-probe.safetensors + dtype-probe.json: F16/BF16/F32 edge values and their meaning
"""
import json
import math
import os
import struct
import sys

import torch

DTYPES = {torch.float32: ("F32", 4), torch.float16: ("F16", 2), torch.bfloat16: ("BF16", 2)}


def write_safetensors(path, tensors, metadata=None):
    """tensors: list of (name, torch tensor) in the order to lay out."""
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    blobs = []
    offset = 0
    for name, t in tensors:
        dtype, size = DTYPES[t.dtype]
        t = t.contiguous()
        # Raw little-endian bytes: view as int16/int32 and let torch serialize.
        raw = t.view(torch.int16 if size == 2 else torch.int32).numpy().astype("<i2" if size == 2 else "<i4").tobytes()
        assert len(raw) == t.numel() * size
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


# ---------------------------------------------------------------- the model, in float64


def rms_norm(x, weight, eps):
    var = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(var + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rope_cos_sin(positions, head_dim, theta):
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim))
    freqs = positions.to(torch.float64)[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


def forward(cfg, w, ids):
    """ids: list of ints (one sequence). Returns logits [T, V] float64."""
    H = cfg["hidden_size"]
    nh = cfg["num_attention_heads"]
    nkv = cfg["num_key_value_heads"]
    hd = H // nh
    eps = cfg["rms_norm_eps"]
    T = len(ids)
    x = w["model.embed_tokens.weight"][torch.tensor(ids)]
    cos, sin = rope_cos_sin(torch.arange(T), hd, cfg["rope_theta"])
    mask = torch.full((T, T), float("-inf"), dtype=torch.float64).triu(1)
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = h @ w[p + "self_attn.q_proj.weight"].T + w[p + "self_attn.q_proj.bias"]
        k = h @ w[p + "self_attn.k_proj.weight"].T + w[p + "self_attn.k_proj.bias"]
        v = h @ w[p + "self_attn.v_proj.weight"].T + w[p + "self_attn.v_proj.bias"]
        q = q.view(T, nh, hd).transpose(0, 1)
        k = k.view(T, nkv, hd).transpose(0, 1)
        v = v.view(T, nkv, hd).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = nh // nkv
        k = k.repeat_interleave(rep, dim=0)  # HF repeat_kv: head h uses kv head h // rep
        v = v.repeat_interleave(rep, dim=0)
        scores = q @ k.transpose(1, 2) / math.sqrt(hd) + mask
        attn = torch.softmax(scores, dim=-1) @ v
        attn = attn.transpose(0, 1).reshape(T, H)
        x = x + attn @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate = h @ w[p + "mlp.gate_proj.weight"].T
        up = h @ w[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(gate) * up) @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else w["lm_head.weight"]
    return x @ head.T


def greedy(cfg, w, prompt, n):
    ids = list(prompt)
    margins = []
    for _ in range(n):
        logits = forward(cfg, w, ids)[-1]
        top2 = torch.topk(logits, 2).values
        margins.append(float(top2[0] - top2[1]))
        ids.append(int(torch.argmax(logits)))
    return ids[len(prompt):], min(margins)


# ---------------------------------------------------------------- checkpoints


def make_weights(cfg, gen, dtype):
    """Random weights with spreads large enough that every path (biases, norm weights,
    rotary angles) moves the logits; stored in `dtype`, returned also as float64."""
    H = cfg["hidden_size"]
    I = cfg["intermediate_size"]
    V = cfg["vocab_size"]
    kv = cfg["num_key_value_heads"] * (H // cfg["num_attention_heads"])

    def normal(*shape, std):
        return torch.randn(*shape, generator=gen, dtype=torch.float64) * std

    # Strong residual updates (o_proj, down_proj) so that a tied head does not simply
    # echo the input token back.
    out_std = 3.0
    specs = [("model.embed_tokens.weight", normal(V, H, std=1.0))]
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        specs += [
            (p + "input_layernorm.weight", 1 + normal(H, std=0.2)),
            (p + "self_attn.q_proj.weight", normal(H, H, std=H ** -0.5)),
            (p + "self_attn.q_proj.bias", normal(H, std=0.3)),
            (p + "self_attn.k_proj.weight", normal(kv, H, std=H ** -0.5)),
            (p + "self_attn.k_proj.bias", normal(kv, std=0.3)),
            (p + "self_attn.v_proj.weight", normal(kv, H, std=H ** -0.5)),
            (p + "self_attn.v_proj.bias", normal(kv, std=0.3)),
            (p + "self_attn.o_proj.weight", normal(H, H, std=out_std * H ** -0.5)),
            (p + "post_attention_layernorm.weight", 1 + normal(H, std=0.2)),
            (p + "mlp.gate_proj.weight", normal(I, H, std=H ** -0.5)),
            (p + "mlp.up_proj.weight", normal(I, H, std=H ** -0.5)),
            (p + "mlp.down_proj.weight", normal(H, I, std=out_std * I ** -0.5)),
        ]
    specs.append(("model.norm.weight", 1 + normal(H, std=0.2)))
    if not cfg["tie_word_embeddings"]:
        specs.append(("lm_head.weight", normal(V, H, std=H ** -0.5)))
    stored = [(n, t.to(dtype)) for n, t in specs]
    exact = {n: t.to(torch.float64) for n, t in stored}
    return stored, exact


def config_json(cfg, torch_dtype):
    out = {
        "architectures": ["Qwen2ForCausalLM"],
        "model_type": "qwen2",
        "hidden_act": "silu",
        "attention_dropout": 0.0,
        "bos_token_id": 1,
        "eos_token_id": 2,
        "initializer_range": 0.02,
        "max_window_layers": cfg["num_hidden_layers"],
        "rope_scaling": None,
        "sliding_window": None,
        "use_sliding_window": False,
        "torch_dtype": torch_dtype,
        "transformers_version": "4.44.0",
        "use_cache": True,
    }
    out.update(cfg)
    return out


def fixture(out_dir, name, cfg, dtype, torch_dtype, shards, seed, sequences, prompts, new_tokens):
    gen = torch.Generator().manual_seed(seed)
    stored, exact = make_weights(cfg, gen, dtype)
    d = os.path.join(out_dir, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(config_json(cfg, torch_dtype), f, indent=2)
        f.write("\n")
    if shards == 1:
        write_safetensors(os.path.join(d, "model.safetensors"), stored, {"format": "pt"})
    else:
        per = math.ceil(len(stored) / shards)
        weight_map = {}
        total = 0
        for s in range(shards):
            part = stored[s * per:(s + 1) * per]
            fname = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
            # Reverse order inside a shard: readers must follow data_offsets, not the header order.
            write_safetensors(os.path.join(d, fname), list(reversed(part)), {"format": "pt"})
            for n, t in part:
                weight_map[n] = fname
                total += t.numel() * DTYPES[t.dtype][1]
        with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
            f.write("\n")
    expected = {
        "description": "float64 reference of HF Qwen2ForCausalLM on the stored weights (benchmarks/reference/make_qwen2_fixtures.py)",
        "sequences": [],
        "greedy": [],
    }
    for ids in sequences:
        logits = forward(cfg, exact, ids)
        expected["sequences"].append({"ids": ids, "logits": [[float(f"{v:.9g}") for v in row] for row in logits.tolist()]})
    for prompt in prompts:
        cont, margin = greedy(cfg, exact, prompt, new_tokens)
        # A near-tie could flip under f32 rounding and make the test flaky; refuse it here.
        assert margin > 1e-3, f"{name}: greedy margin {margin} too small for prompt {prompt}"
        expected["greedy"].append({"prompt": prompt, "maxNewTokens": new_tokens, "continuation": cont, "minMargin": margin})
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(expected, f)
        f.write("\n")


def lora_fixture(out_dir, base_name, cfg, seed, sequences):
    """A PEFT LoRA adapter (rank 2, alpha 4 -> scale 2) on q_proj, v_proj and down_proj of
    the given checkpoint, with random non-zero B, and the adapted model's logits."""
    gen = torch.Generator().manual_seed(seed)
    _, exact = make_weights(cfg, torch.Generator().manual_seed(1234), torch.float32)
    H = cfg["hidden_size"]
    I = cfg["intermediate_size"]
    kv = cfg["num_key_value_heads"] * (H // cfg["num_attention_heads"])
    rank, alpha = 2, 4.0
    shapes = {"self_attn.q_proj": (H, H), "self_attn.v_proj": (kv, H), "mlp.down_proj": (H, I)}
    tensors = []
    merged = dict(exact)
    for l in range(cfg["num_hidden_layers"]):
        for module, (out, inp) in shapes.items():
            a = (torch.rand(rank, inp, generator=gen, dtype=torch.float64) * 2 - 1) / math.sqrt(inp)
            b = torch.randn(out, rank, generator=gen, dtype=torch.float64) * 0.5
            a32, b32 = a.to(torch.float32), b.to(torch.float32)
            key = f"base_model.model.model.layers.{l}.{module}"
            tensors += [(key + ".lora_A.weight", a32), (key + ".lora_B.weight", b32)]
            name = f"model.layers.{l}.{module}.weight"
            merged[name] = exact[name] + (alpha / rank) * (b32.to(torch.float64) @ a32.to(torch.float64))
    d = os.path.join(out_dir, base_name + "-lora")
    os.makedirs(d, exist_ok=True)
    write_safetensors(os.path.join(d, "adapter_model.safetensors"), tensors, {"format": "pt"})
    with open(os.path.join(d, "adapter_config.json"), "w") as f:
        json.dump({
            "peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": base_name,
            "r": rank, "lora_alpha": alpha, "lora_dropout": 0.0, "bias": "none", "fan_in_fan_out": False,
            "target_modules": ["q_proj", "v_proj", "down_proj"], "use_rslora": False,
            "layers_to_transform": None, "inference_mode": True, "modules_to_save": None,
        }, f, indent=2)
        f.write("\n")
    expected = {"sequences": [], "greedy": []}
    for ids in sequences:
        logits = forward(cfg, merged, ids)
        expected["sequences"].append({"ids": ids, "logits": [[float(f"{v:.9g}") for v in row] for row in logits.tolist()]})
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(expected, f)
        f.write("\n")


def dtype_probe(out_dir):
    """Edge values in each 16-bit format, with their exact meaning, for the dtype readers."""
    f16_bits = [0x0000, 0x8000, 0x3C00, 0xBC00, 0x0001, 0x03FF, 0x0400, 0x7BFF, 0x7C00, 0xFC00, 0x3555, 0x4248]
    bf16_bits = [0x0000, 0x8000, 0x3F80, 0xBF80, 0x0001, 0x0080, 0x7F7F, 0x7F80, 0xFF80, 0x3EAB, 0x4049, 0xC2F7]
    f16 = torch.tensor(f16_bits, dtype=torch.int32).to(torch.int16).view(torch.float16)
    bf16 = torch.tensor(bf16_bits, dtype=torch.int32).to(torch.int16).view(torch.bfloat16)
    f32 = torch.tensor([0.0, -0.0, 1.5, -2.25, 1e-40, 3.4e38, float("inf"), -1e-7], dtype=torch.float32)
    write_safetensors(
        os.path.join(out_dir, "dtype-probe.safetensors"),
        [("half", f16.view(3, 4)), ("brain", bf16.view(2, 6)), ("single", f32)],
    )

    def enc(t):
        return [v if math.isfinite(v) else ("inf" if v > 0 else "-inf") for v in t.to(torch.float64).flatten().tolist()]

    with open(os.path.join(out_dir, "dtype-probe.json"), "w") as f:
        json.dump(
            {
                "half": {"shape": [3, 4], "bits": f16_bits, "values": enc(f16)},
                "brain": {"shape": [2, 6], "bits": bf16_bits, "values": enc(bf16)},
                "single": {"shape": [8], "values": enc(f32)},
            },
            f,
            indent=1,
        )
        f.write("\n")


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "packages/model/test/fixtures"
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    tied = {
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "rms_norm_eps": 1e-6,
        "rope_theta": 10000.0,
        "vocab_size": 96,
        "tie_word_embeddings": True,
        "max_position_embeddings": 128,
    }
    untied = {
        "hidden_size": 64,
        "intermediate_size": 96,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "rms_norm_eps": 1e-5,
        "rope_theta": 1000000.0,
        "vocab_size": 128,
        "tie_word_embeddings": False,
        "max_position_embeddings": 256,
    }
    fixture(out_dir, "qwen2-f32-tied", tied, torch.float32, "float32", 1, 1234,
            [[5, 17, 3, 88, 42, 42, 9, 60, 1, 77, 31, 2], [7, 7, 7]], [[5, 17, 3], [90, 12, 44, 8, 0]], 8)
    fixture(out_dir, "qwen2-bf16-untied", untied, torch.bfloat16, "bfloat16", 2, 4321,
            [[3, 120, 64, 9, 9, 15, 101, 2, 33, 70, 18, 127, 0, 56], [11]], [[3, 120, 64], [100, 1, 2, 3, 4, 5]], 8)
    lora_fixture(out_dir, "qwen2-f32-tied", tied, 99, [[5, 17, 3, 88, 42, 42, 9, 60]])
    dtype_probe(out_dir)


if __name__ == "__main__":
    main()
