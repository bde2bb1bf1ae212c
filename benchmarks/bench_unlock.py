"""Unlocking an office key: scrypt at the sealed record's cost (N=2^17, r=8, p=1 today).

    python benchmarks/bench_unlock.py            # median of 5
    python benchmarks/bench_unlock.py --runs 9

Figures: one unlock of a current record, in-process (target <= 1 s); the first unlock of a record of
the first format, which also seals it again at today's cost (target <= 1 s); the peak RSS of a
process that unlocks once (scrypt's own memory is 128 * N * r bytes = 128 MiB).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time

from smartcity_desktop.crypto.keys import CURRENT_SCRYPT, SigningKey, needs_reseal, unseal

PASSPHRASE = "kata-sandi-benchmark-2026"
TARGET_S = 1.0


def legacy_record(key: SigningKey) -> bytes:
    sys.path.insert(0, ".")
    from tests.crypto.test_sealed_keys import legacy_seal

    return legacy_seal(key, PASSPHRASE)


def seconds(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def peak_rss_mb(sealed: bytes) -> float:
    code = (
        "import resource, sys;"
        "from smartcity_desktop.crypto.keys import unseal;"
        "unseal(sys.stdin.buffer.read(), sys.argv[1]);"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, PASSPHRASE], input=sealed, capture_output=True, check=True
    ).stdout
    return int(out) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    key = SigningKey.generate()
    sealed = key.seal(PASSPHRASE)
    unlock = [seconds(lambda: unseal(sealed, PASSPHRASE)) for _ in range(args.runs)]
    upgrade = []
    for _ in range(args.runs):
        old = legacy_record(key)

        def first_unlock(old: bytes = old) -> None:
            unseal(old, PASSPHRASE)
            if needs_reseal(old):
                key.seal(PASSPHRASE)

        upgrade.append(seconds(first_unlock))
    missed = False
    p = CURRENT_SCRYPT
    for label, values in (
        (f"unlock (scrypt N=2^{p.n.bit_length() - 1}, r={p.r}, p={p.p})", unlock),
        ("first unlock of a v1 key, re-sealed", upgrade),
    ):
        median = statistics.median(values)
        ok = median <= TARGET_S
        missed |= not ok
        print(
            f"{label:<45} median {median:.3f} s  max {max(values):.3f} s  "
            f"(target <= {TARGET_S:.1f} s) {'ok' if ok else 'MISSED'}"
        )
    print(f"peak RSS of a process unlocking once: {peak_rss_mb(sealed):.0f} MB")
    print(f"this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
