#!/usr/bin/env python3
"""Checks the fixtures and our TypeScript outputs against Hugging Face's own code
(transformers Qwen2ForCausalLM, peft, tokenizers), on a machine that has them:

    python3 benchmarks/reference/check_with_transformers.py packages/model/test/fixtures .devcheck

1. Each PyTorch fixture (written by make_qwen2_fixtures.py, whose Qwen2 is our own) is
   loaded by transformers in float64; its logits and greedy continuations must match
   expected.json, and the LoRA fixture loaded by peft must match too.
2. The BF16 snapshot and PEFT adapter written by our TypeScript code
   (make_transformers_check.ts) load in transformers / peft and give our logits; our
   tokenizer.json encodes as `tokenizers` does, and the chat template renders the same.
Prints one JSON report; exits non-zero when a check fails.
"""
import json
import os
import sys

import torch
from transformers import AutoTokenizer, Qwen2ForCausalLM

fixtures, ours_dir = sys.argv[1], sys.argv[2]
report = {"torch": torch.__version__, "checks": []}
ok = True


def check(name, value, limit):
    global ok
    passed = bool(value <= limit)
    ok = ok and passed
    report["checks"].append({"name": name, "value": float(value), "limit": limit, "passed": passed})


def rel(got, want):
    want = torch.tensor(want, dtype=torch.float64)
    return float((got.to(torch.float64) - want).abs().max() / want.abs().max())


def load(path, dtype=torch.float64):
    try:
        return Qwen2ForCausalLM.from_pretrained(path, dtype=dtype).eval()
    except TypeError:  # transformers < 4.56 names it torch_dtype
        return Qwen2ForCausalLM.from_pretrained(path, torch_dtype=dtype).eval()


with torch.no_grad():
    for name in ["qwen2-f32-tied", "qwen2-bf16-untied"]:
        d = os.path.join(fixtures, name)
        model = load(d)
        expected = json.load(open(os.path.join(d, "expected.json")))
        for i, s in enumerate(expected["sequences"]):
            logits = model(torch.tensor([s["ids"]])).logits[0]
            # HF computes RoPE angles in float32 even for a float64 model: ~1e-7, not 1e-15.
            check(f"{name} seq{i} logits vs transformers (rel)", rel(logits, s["logits"]), 1e-6)
        for i, g in enumerate(expected["greedy"]):
            # Plain argmax loop: generate() would stop at (or, with min_new_tokens, forbid) EOS.
            seq = list(g["prompt"])
            for _ in range(g["maxNewTokens"]):
                seq.append(int(model(torch.tensor([seq])).logits[0, -1].argmax()))
            cont = seq[len(g["prompt"]):]
            check(f"{name} greedy{i} continuation mismatches", 0 if cont == g["continuation"] else 1, 0)

    try:
        from peft import PeftModel
        base = load(os.path.join(fixtures, "qwen2-f32-tied"))
        adapted = PeftModel.from_pretrained(base, os.path.join(fixtures, "qwen2-f32-tied-lora")).eval()
        expected = json.load(open(os.path.join(fixtures, "qwen2-f32-tied-lora", "expected.json")))
        s = expected["sequences"][0]
        check("lora fixture logits vs peft (rel)", rel(adapted(torch.tensor([s["ids"]])).logits[0], s["logits"]), 1e-6)
    except ImportError as e:
        report["peft"] = f"not available: {e}"

    ours = json.load(open(os.path.join(ours_dir, "ours.json")))
    snap = os.path.join(ours_dir, "ts-tiny")
    model = load(snap, torch.float32)
    ids = torch.tensor([ours["ids"]])
    check("our BF16 snapshot: our logits vs transformers f32 (rel)", rel(model(ids).logits[0], ours["logits"]), 1e-4)
    try:
        from peft import PeftModel
        adapted = PeftModel.from_pretrained(load(snap, torch.float32), os.path.join(ours_dir, "ts-lora")).eval()
        check("our PEFT adapter: our logits vs peft (rel)", rel(adapted(ids).logits[0], ours["loraLogits"]), 1e-4)
    except ImportError:
        pass

    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(os.path.join(snap, "tokenizer.json"))
    for i, t in enumerate(ours["tokens"]):
        check(f"drg-tiny encode text{i} mismatches vs tokenizers", 0 if tok.encode(t["text"]).ids == t["ids"] else 1, 0)
        check(f"drg-tiny decode text{i} mismatches", 0 if tok.decode(t["ids"], skip_special_tokens=False) == t["text"] else 1, 0)
    auto = AutoTokenizer.from_pretrained(snap)
    rendered = auto.apply_chat_template(ours["chat"]["messages"], tokenize=False, add_generation_prompt=True)
    check("chat template render mismatches vs transformers", 0 if rendered == ours["chat"]["rendered"] else 1, 0)

report["passed"] = ok
print(json.dumps(report, indent=1))
sys.exit(0 if ok else 1)
