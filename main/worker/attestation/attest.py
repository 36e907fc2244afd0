# The node's side of Idlegrid's GPU attestation (the protocol is in common/attestation/).
# One JSON object a line on stdin/stdout:
#   -> {"type":"ready", device, gpus:[{uuid, model, memoryMiB}], torch}
#   <- {"type":"challenge", seed:[4 x u32], device, n, blocksPerGpu, groupRows}
#   -> {"type":"commit", root, rows, heldBytes, computeMs}
#   <- {"type":"open", rows:[...]}
#   -> {"type":"opening", rows:[{row, values, groupDigests, path}]}
# or {"type":"error", reason, message} at any point. The same code runs on "cuda" (real
# grids) and "cpu" (the Sandbox); the device is the only difference. Every integer step
# mirrors common/attestation/seeded-matrix.ts, row-digest.ts and merkle.ts exactly.
import hashlib
import json
import os
import subprocess
import sys
import time

import torch

M = 0xFFFFFFFF
M1 = 0x21F0AAAD
M2 = 0x735A2D97
SALT = 0x5BD1E995
TAG_A = 0x41
TAG_B = 0x42
# Rows per element-wise pass: bounds the int64 temporaries (CHUNK x n x 8 bytes each).
CHUNK = 1024


def send(message):
    sys.stdout.write(json.dumps(message, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def receive(kind):
    line = sys.stdin.readline()
    if not line:
        sys.exit(3)
    message = json.loads(line)
    if message.get("type") != kind:
        send({"type": "error", "reason": "attestation_malformed", "message": "expected %s, got %s" % (kind, message.get("type"))})
        sys.exit(4)
    return message


def mix_int(x):
    x &= M
    x ^= x >> 16
    x = (x * M1) & M
    x ^= x >> 15
    x = (x * M2) & M
    x ^= x >> 15
    return x


def mix(x):
    # int64 tensors holding values in [0, 2^32): the multipliers are < 2^31, so no overflow.
    x = x ^ (x >> 16)
    x = (x * M1) & M
    x = x ^ (x >> 15)
    x = (x * M2) & M
    x = x ^ (x >> 15)
    return x


def matrix_base(seed, tag):
    h = mix_int(tag)
    for word in seed:
        h = mix_int(h ^ word)
    return h


def matrix_rows(base, start, count, n, device):
    rows = torch.arange(start, start + count, dtype=torch.int64, device=device)
    keys = mix(rows ^ base)
    columns = torch.arange(n, dtype=torch.int64, device=device)
    values = mix((keys[:, None] + columns[None, :]) & M)
    return (values % 7 - 3).to(torch.float32)


def row_digests(product, column_keys):
    u = product.to(torch.int64) & M
    h1 = mix(u ^ column_keys[0]).sum(dim=1) & M
    h2 = mix(u ^ column_keys[1]).sum(dim=1) & M
    return torch.stack([h1, h2], dim=1)


def seen_gpus(device):
    if device == "cuda":
        try:
            out = subprocess.run(
                ["nvidia-smi", "--query-gpu=uuid,name,memory.total", "--format=csv,noheader,nounits"],
                capture_output=True, text=True, timeout=30, check=True,
            ).stdout
            gpus = []
            for line in out.strip().splitlines():
                uuid, name, memory = [part.strip() for part in line.split(",")]
                gpus.append({"uuid": uuid, "model": name, "memoryMiB": int(float(memory))})
            return gpus
        except (OSError, subprocess.SubprocessError, ValueError):
            gpus = []
            for index in range(torch.cuda.device_count()):
                props = torch.cuda.get_device_properties(index)
                uuid = getattr(props, "uuid", None)
                gpus.append({
                    "uuid": ("GPU-%s" % uuid) if uuid is not None else "cuda:%d" % index,
                    "model": props.name,
                    "memoryMiB": props.total_memory // (1024 * 1024),
                })
            return gpus
    # The Sandbox has no GPU in the container: the GPUs Docker's device request named are
    # what the (recording) NVIDIA hook was asked to hand over.
    visible = os.environ.get("NVIDIA_VISIBLE_DEVICES", "")
    if visible in ("", "void", "none"):
        return []
    return [{"uuid": uuid, "model": None, "memoryMiB": None} for uuid in visible.split(",") if uuid]


def sha256(data):
    return hashlib.sha256(data).digest()


def merkle_levels(leaves):
    levels = [leaves]
    while len(levels[-1]) > 1:
        level = levels[-1]
        nxt = []
        for i in range(0, len(level), 2):
            nxt.append(sha256(b"\x01" + level[i] + level[i + 1]) if i + 1 < len(level) else level[i])
        levels.append(nxt)
    return levels


def merkle_path(levels, index):
    path = []
    for level in levels[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(level[sibling].hex())
        index >>= 1
    return path


def main():
    device_kind = sys.argv[1] if len(sys.argv) > 1 else "cpu"
    if device_kind == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        devices = [torch.device("cuda", index) for index in range(torch.cuda.device_count())]
        gpus = seen_gpus(device_kind)
    else:
        # The Sandbox: one CPU stands in for each leased GPU (the verifier expects every
        # GPU's share of rows), computed one after the other.
        gpus = seen_gpus(device_kind)
        devices = [torch.device("cpu")] * max(1, len(gpus))
    send({"type": "ready", "device": device_kind, "gpus": gpus, "torch": torch.__version__})

    challenge = receive("challenge")
    started = time.monotonic()
    n = challenge["n"]
    blocks = challenge["blocksPerGpu"]
    group_rows = challenge["groupRows"]
    seed = challenge["seed"]
    rows_per_device = blocks * n
    rows = rows_per_device * len(devices)
    base_a = matrix_base(seed, TAG_A)
    base_b = matrix_base(seed, TAG_B)

    try:
        # The working set, touched at once (zeros, not empty: the memory is really taken, so
        # a machine without it fails now), then holding the product until the opening.
        products = [torch.zeros((rows_per_device, n), dtype=torch.float32, device=d) for d in devices]
        digests = [torch.empty((rows_per_device, 2), dtype=torch.int64, device=d) for d in devices]
        factors = [matrix_rows(base_b, 0, n, n, d) for d in devices]
        columns = [torch.arange(n, dtype=torch.int64, device=d) for d in devices]
        column_keys = [(mix(c), mix(c ^ SALT)) for c in columns]
        # Block by block across the devices, so the GPUs of a node work side by side.
        for block in range(blocks):
            for g, d in enumerate(devices):
                for offset in range(0, n, CHUNK):
                    count = min(CHUNK, n - offset)
                    local = block * n + offset
                    a = matrix_rows(base_a, g * rows_per_device + local, count, n, d)
                    out = products[g][local:local + count]
                    torch.matmul(a, factors[g], out=out)
                    digests[g][local:local + count] = row_digests(out, column_keys[g])
        if device_kind == "cuda":
            for d in devices:
                torch.cuda.synchronize(d)
    except RuntimeError as error:
        text = str(error)
        reason = "attestation_memory_short" if "out of memory" in text.lower() or "alloc" in text.lower() else "attestation_failed"
        send({"type": "error", "reason": reason, "message": text[:1000]})
        sys.exit(5)

    all_digests = b"".join(d.cpu().numpy().astype("<u4").tobytes() for d in digests)
    leaves = []
    for start in range(0, rows, group_rows):
        leaves.append(sha256(b"\x00" + all_digests[start * 8:min(rows, start + group_rows) * 8]))
    levels = merkle_levels(leaves)
    held = sum(p.numel() * p.element_size() for p in products)
    send({
        "type": "commit",
        "root": levels[-1][0].hex(),
        "rows": rows,
        "heldBytes": held,
        "computeMs": int((time.monotonic() - started) * 1000),
    })

    request = receive("open")
    opened = []
    for row in request["rows"]:
        if not (0 <= row < rows):
            continue
        g, local = divmod(row, rows_per_device)
        group = row // group_rows
        opened.append({
            "row": row,
            "values": products[g][local].to(torch.int32).cpu().tolist(),
            "groupDigests": all_digests[group * group_rows * 8:min(rows, (group + 1) * group_rows) * 8].hex(),
            "path": merkle_path(levels, group),
        })
    send({"type": "opening", "rows": opened})


if __name__ == "__main__":
    main()
