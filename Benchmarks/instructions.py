"""Instructions per request for poll, create and download, counted by valgrind's callgrind.

Counting instructions instead of timing makes the figures repeatable whatever else the machine
is doing, so a regression shows up as a number, not as noise. Each kind of request is sent twice
to a fresh server under callgrind, FEW and then MANY times; the difference divided by the
difference in count is what one request costs, start-up and shutdown cancelling out.

    python3 instructions.py BINARY SCENARIO RESULTS_JSON [--profile] [--budgets BUDGETS_JSON]

With --budgets, exits 1 when a kind of request costs more than its budget: a gate, so that no
change makes the request path dearer unnoticed (counts do not depend on how busy the machine is).
"""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

FEW, MANY = 200, 1200
# The headers the openai SDK (Python) sends with every request, so that the head parser and every
# header scan are measured at their real cost.
HEADERS = {
    "Authorization": "Bearer sk-bench", "Content-Type": "application/json", "Accept": "application/json",
    "User-Agent": "OpenAI/Python 1.109.1", "X-Stainless-Lang": "python", "X-Stainless-Package-Version": "1.109.1",
    "X-Stainless-OS": "Linux", "X-Stainless-Arch": "x64", "X-Stainless-Runtime": "CPython", "X-Stainless-Runtime-Version": "3.11.7",
    "X-Stainless-Async": "false", "X-Stainless-Retry-Count": "0", "X-Stainless-Read-Timeout": "600", "Accept-Encoding": "gzip, deflate",
}


def create_body(n):
    """A new prompt for every create, as real clients send: the same body again is a duplicate_create."""
    return json.dumps({"model": "sora-2", "prompt": f"A cinematic drone shot over misty mountains, take {n}", "seconds": "8",
                       "size": "1280x720"})

# The stages of a request, each the inclusive cost of one function on its path (siblings, so
# they add up), and the parts of the provider's work that interest us most.
STAGES = [
    ("parse the request head", r"^(specialized )?static RequestHead\.parse\("),
    ("route", r"^Router\.match\(method:"),
    ("authenticate", r"^Authenticator\.key\(of:"),
    ("parse the body (creates)", r"^ProviderRequest\.parseBody\("),
    ("scenario rules", r"^Engine\.decide\("),
    ("provider: validate, engine, reply JSON", r"^(specialized )?TaskDialect\.(retrieve|create)\("),
    ("journal", r"^(Journal\.record\(|JournalEntry\.__allocating_init)"),
    ("verdict", r"^Engine\.(observe|shown)\("),
    ("write the reply", r"^Connection\.send\("),
]
# Parts of the provider's work, shown beneath it.
DETAILS = [
    ("  of which the engine", r"^Engine\.(retrieve|create)\("),
    ("  of which writing the reply's JSON", r"^static ReplyBuffer\.write\("),
]


def start(binary, scenario, out):
    # Swift seeds its hash tables per process, which moves a count by a few hundred instructions
    # from run to run: fixed here, so that a change shows as itself.
    env = dict(os.environ, SWIFT_DETERMINISTIC_HASHING="1")
    process = subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary, "serve", "--port", "0", "--threads", "1",
         "--clock", "manual", "--scenario", scenario],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    line = process.stdout.readline().decode()
    port = int(line.strip().rsplit(":", 1)[1])
    return process, port


def request(connection, method, path, body=None):
    connection.request(method, path, body=body, headers=HEADERS)
    response = connection.getresponse()
    data = response.read()
    if response.status >= 300:
        raise SystemExit(f"{method} {path} answered {response.status}: {data[:200]!r}")
    return data


def run(binary, scenario, kind, count, out):
    """Starts a server under callgrind, sends `count` requests of `kind`, stops it; returns its total."""
    process, port = start(binary, scenario, out)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        video = json.loads(request(connection, "POST", "/v1/videos", create_body(0)))["id"]
        request(connection, "POST", "/__admin/clock/advance", json.dumps({"seconds": 10}))
        for n in range(count):
            if kind == "poll":
                request(connection, "GET", f"/v1/videos/{video}")
            elif kind == "create":
                request(connection, "POST", "/v1/videos", create_body(n + 1))
            else:
                request(connection, "GET", f"/v1/videos/{video}/content")
        connection.close()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=120)
    with open(out) as file:
        for line in file:
            if line.startswith("totals:"):
                return int(line.split()[1])
    raise SystemExit(f"no totals in {out}")


def inclusive(out):
    """Inclusive instructions by demangled function name."""
    annotated = subprocess.run(
        ["callgrind_annotate", "--inclusive=yes", "--threshold=100", out], capture_output=True, text=True, check=True).stdout
    costs = {}
    for line in annotated.splitlines():
        match = re.match(r"\s*([\d,]+)\s+\(.*?\)\s+\S*:(\S+)", line) or re.match(r"\s*([\d,]+)\s+.*?:(\S+)", line)
        if match:
            costs[match.group(2)] = costs.get(match.group(2), 0) + int(match.group(1).replace(",", ""))
    names = list(costs)
    demangled = subprocess.run(["swift", "demangle", "--simplified"], input="\n".join(names), capture_output=True, text=True).stdout
    # By mangled name: a function and its specialization read alike, and one calls the other.
    return {name: (readable, costs[name]) for name, readable in zip(names, demangled.splitlines())}


def main():
    binary, scenario, results = sys.argv[1:4]
    profile = "--profile" in sys.argv
    work = tempfile.mkdtemp()
    figures, stages = {}, {}
    for kind in ["poll", "create", "download"]:
        outs = [os.path.join(work, f"{kind}-{n}.out") for n in (FEW, MANY)]
        few, many = (run(binary, scenario, kind, n, out) for n, out in zip((FEW, MANY), outs))
        figures[kind] = round((many - few) / (MANY - FEW))
        print(f"  {kind}: {figures[kind]:,} instructions per request", file=sys.stderr)
        if profile and kind in ("poll", "create"):
            small, large = inclusive(outs[0]), inclusive(outs[1])
            stages[kind] = {}
            for label, pattern in STAGES + DETAILS:
                regex = re.compile(pattern)
                # Functions alike by name (a function and the specialization it calls) count once:
                # the outermost, the dearest.
                def cost(profile):
                    by_name = {}
                    for readable, value in profile.values():
                        if regex.search(readable):
                            by_name[readable] = max(by_name.get(readable, 0), value)
                    return sum(by_name.values())
                stages[kind][label] = round((cost(large) - cost(small)) / (MANY - FEW))
    print("| request | instructions per request |")
    print("|---|---|")
    for kind, count in figures.items():
        print(f"| {kind} | {count:,} |")
    if stages:
        print()
        print("| stage | poll | create |")
        print("|---|---|---|")
        for label, _ in STAGES + DETAILS:
            print(f"| {label} | {stages['poll'][label]:,} | {stages['create'][label]:,} |")
        rest = {kind: figures[kind] - sum(stages[kind][label] for label, _ in STAGES) for kind in stages}
        for kind in stages:
            stages[kind]["read, libevent, allocation and the rest"] = rest[kind]
        print(f"| read, libevent, allocation and the rest | {rest['poll']:,} | {rest['create']:,} |")
        print(f"| whole request | {figures['poll']:,} | {figures['create']:,} |")
    existing = {}
    if os.path.exists(results):
        with open(results) as file:
            existing = json.load(file)
    existing["instructions_per_request"] = figures
    if stages:
        existing["instructions_per_stage"] = stages
    existing["instructions_measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with open(results, "w") as file:
        json.dump(existing, file, indent=2)
        file.write("\n")
    print(f"wrote {results}", file=sys.stderr)
    if "--budgets" in sys.argv:
        with open(sys.argv[sys.argv.index("--budgets") + 1]) as file:
            budgets = {kind: budget for kind, budget in json.load(file).items() if not kind.startswith("_")}
        over = [f"{kind}: {figures[kind]:,} instructions, over its budget of {budget:,}"
                for kind, budget in budgets.items() if figures[kind] > budget]
        for line in over:
            print(f"over budget: {line}", file=sys.stderr)
        if over:
            raise SystemExit(1)
        print("every kind of request is within its budget: "
              + ", ".join(f"{kind} {figures[kind]:,} of {budget:,}" for kind, budget in budgets.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
