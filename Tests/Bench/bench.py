#!/usr/bin/env python3
"""`make bench`: PhoneAuth's loads beside the Django peer's, in one run, on loopback; every load ends by itself.

Release builds; a fresh temporary SQLite database (the 1M-user file is kept in bench/cache/ and reused); a throwaway
PostgreSQL 15 cluster for the PostgreSQL loads. Prints a Markdown table (measure, PhoneAuth, peer, ratio, target) and
writes it with the raw figures to bench/results/latest.md and latest.json.

env: DUR=10 (seconds per wrk load)  PEER=1 (0 skips the peer)  PG=1 (0 skips PostgreSQL)  LOGINS=3000
     ONLY=pumping (just the SMS-pumping load, printed as JSON; nothing written), ONLY=memory (likewise, the memory phase),
     ONLY=logins (the full-login load alone: SQLite, then PostgreSQL with one and two instances unless PG=0),
     ONLY=capacity (docs/capacity.md's figures: PostgreSQL's work per sign-in, refresh, read and revocation from
     pg_stat_statements, CPU per sign-in of the server, PostgreSQL and the load, then one, two and three instances)
"""
import contextlib
import datetime
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import memory  # noqa: E402
import pumping  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "Tests", "Bench")
DUR = int(os.environ.get("DUR", "10"))
PEER = os.environ.get("PEER", "1") == "1"
PG = os.environ.get("PG", "1") == "1"
LOGINS = int(os.environ.get("LOGINS", "3000"))
BUILD = os.environ.get("BUILD", "release")  # BUILD=debug: the debug binaries, to try a phase without a release build
SERVER = os.path.join(ROOT, ".build", BUILD, "PhoneAuthServer")
CLIENT = os.path.join(ROOT, ".build", BUILD, "clientcli")
LOAD = os.path.join(ROOT, "Benchmarks", ".build", BUILD, "phoneauth-load")
PEER_DIR = os.path.normpath(os.path.join(ROOT, "..", "shared", "peers", "django_phone"))
SINK_PORT = 18091
WORK = tempfile.mkdtemp(prefix="phoneauth-bench.")
PROCESSES = []
# Limits as a busy deployment would set them, high enough for the loads; everything else is as shipped (log level info).
# The login load comes through 127.0.0.1 as a proxy, each login from its own client address and over many ranges.
OPEN_LIMITS = ["--trusted-proxies", "127.0.0.1", "--max-sends-per-ip-hour", "100000000", "--max-sends-per-prefix-hour", "100000000",
               "--sms-budget-hour", "100000000", "--sms-budget-day", "100000000"]


def log(text):
    print(text, file=sys.stderr, flush=True)


def start(args, name, env=None, cwd=None):
    out = open(os.path.join(WORK, name + ".log"), "w")
    process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
    PROCESSES.append(process)
    return process


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def http(method, url, body=None, token=None):
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read()
        return json.loads(text) if text else None


def wait_until_up(url, process):
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}; see {WORK}")
        try:
            urllib.request.urlopen(url + "/health", timeout=1)
            return
        except Exception:  # noqa: BLE001
            time.sleep(0.1)
    raise SystemExit("server did not come up")


class PhoneAuth:
    """One server process; `--database` a SQLite path or a postgres:// URL."""

    def __init__(self, port, database, extra=(), limits=None):
        self.port, self.url = port, f"http://127.0.0.1:{port}"
        self.process = start([SERVER, "serve", "--port", str(port), "--database", database, "--sms", "webhook",
                              "--sms-webhook-url", f"http://127.0.0.1:{SINK_PORT}/", "--sms-webhook-secret", "bench",
                              *(OPEN_LIMITS if limits is None else limits), *extra], f"server-{port}")
        wait_until_up(self.url, self.process)

    def login(self, phone):
        sent = http("POST", self.url + "/auth/send-code", {"phone": phone})
        code = urllib.request.urlopen(f"http://127.0.0.1:{SINK_PORT}/code?to={phone.replace('+', '%2B')}").read().decode()
        grant = http("POST", self.url + "/auth/verify-code",
                     {"verification_id": sent["verification_id"], "verification_code": code})
        return grant["access_token"]

    def reset_peak(self):
        with open(f"/proc/{self.process.pid}/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM to the current RSS, so each load gets its own peak

    def cpu_seconds(self):
        """User and system CPU the process has used so far (/proc/PID/stat, fields 14 and 15)."""
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_mib(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            return int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1)) / 1024


def wrk(url, path, token=None, threads=2, connections=32, duration=DUR, warm=True):
    script = os.path.join(WORK, "wrk.lua")
    with open(script, "w") as f:
        f.write(f'wrk.method = "GET"\nwrk.path = "{path}"\n')
        if token:
            f.write(f'wrk.headers["Authorization"] = "Bearer {token}"\n')
    if warm:
        subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", "-d2s", "-s", script, url], capture_output=True, check=True)
    return parse_wrk(subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "-s", script,
                                     url], capture_output=True, text=True, check=True).stdout)


def parse_wrk(text):
    def ms(value, unit):
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    result = {"per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))}
    for percentile in ("50", "99"):
        match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)", text, re.M)
        result[f"p{percentile}_ms"] = ms(*match.groups())
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    result["errors"] = (int(failed.group(1)) if failed else 0) + (sum(map(int, errors.groups())) if errors else 0)
    return result


def under_load(server, load):
    """Runs `load`, returns its figures with the servers' peak RSS and the CPU seconds they spent during it."""
    servers = server if isinstance(server, list) else [server]
    for each in servers:
        each.reset_peak()
    cpu = sum(each.cpu_seconds() for each in servers)
    result = load()
    result["server_cpu_s"] = round(sum(each.cpu_seconds() for each in servers) - cpu, 2)
    result["peak_rss_mib"] = round(sum(each.peak_mib() for each in servers), 1)
    return result


def logins(servers, count, offset=0):
    """`count` full logins at concurrency 8 spread over the servers (one load per server, 8 in flight in all), with the
    server CPU each login cost."""
    share = count // len(servers)

    def run():
        loads = [subprocess.Popen([LOAD, "logins", "--server", server.url, "--sink", f"http://127.0.0.1:{SINK_PORT}",
                                   "--count", str(share), "--concurrency", str(8 // len(servers)), "--spread",
                                   "--offset", str(offset + i * share)], stdout=subprocess.PIPE, text=True)
                 for i, server in enumerate(servers)]
        results = [json.loads(load.communicate()[0]) for load in loads]
        seconds = max(r["seconds"] for r in results)
        done = sum(r["logins"] for r in results)
        return {"logins": done, "errors": sum(r["errors"] for r in results), "seconds": seconds,
                "per_second": done / seconds, "p50_ms": max(r["p50_ms"] for r in results),
                "p99_ms": max(r["p99_ms"] for r in results)}
    figures = under_load(servers, run)
    figures["server_cpu_ms_per_login"] = round(1000 * figures["server_cpu_s"] / max(1, figures["logins"]), 3)
    return figures


def logins_only():
    """ONLY=logins: the login load on a fresh SQLite database, then on PostgreSQL with one and two instances."""
    figures = {}
    server = PhoneAuth(18090, os.path.join(WORK, "logins.sqlite"))
    log(f"{LOGINS} full logins at concurrency 8, SQLite")
    figures["logins"] = logins([server], LOGINS)
    stop(server.process)
    if PG:
        with postgres_cluster() as url:
            a = PhoneAuth(18094, url)
            log(f"{LOGINS} full logins at concurrency 8, PostgreSQL, one instance")
            figures["pg_logins_one"] = logins([a], LOGINS)
            b = PhoneAuth(18095, url)
            log(f"{LOGINS} full logins at concurrency 8, PostgreSQL, two instances")
            figures["pg_logins_two"] = logins([a, b], LOGINS, offset=LOGINS)
            stop(a.process)
            stop(b.process)
    return figures


def seeded_million():
    """A SQLite file with 1,000,000 users, made once with plain SQL and kept in bench/cache/ (copied per run)."""
    cache = os.path.join(ROOT, "bench", "cache", "users-1m.sqlite")
    if not os.path.exists(cache):
        log("seeding 1,000,000 users (once; kept in bench/cache/)")
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        subprocess.run([SERVER, "migrate", "--database", cache + ".tmp"], check=True, capture_output=True)
        db = sqlite3.connect(cache + ".tmp")
        db.execute("""WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
            INSERT INTO users (phone_number, is_active, is_verified, market, language, country, created_at, updated_at)
            SELECT printf('+1646%07d', i), 1, 1, 'us', 'en', 'United States', '2026-01-01 00:00:00.000',
                   '2026-01-01 00:00:00.000' FROM n""")
        db.commit()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        os.rename(cache + ".tmp", cache)
    copy = os.path.join(WORK, "million.sqlite")
    shutil.copyfile(cache, copy)
    return copy


def pumping_figures():
    log("SMS pumping: people without an attack, then 10,000 bot requests over 400 ranges beside people (shipped limits)")
    pumped = PhoneAuth(18096, os.path.join(WORK, "pumping.sqlite"), limits=["--trusted-proxies", "127.0.0.1"])
    try:
        figures = pumping.figures([pumped.url], f"http://127.0.0.1:{SINK_PORT}")
    finally:
        stop(pumped.process)
    log("SMS pumping by a bot that solves every challenge: 600 requests over 30 new ranges beside people (shipped limits)")
    solved = PhoneAuth(18097, os.path.join(WORK, "solving.sqlite"), limits=["--trusted-proxies", "127.0.0.1", "--metrics-on-main-port"])
    try:
        figures["solving_bot"] = pumping.solving_bot_figures(solved.url, f"http://127.0.0.1:{SINK_PORT}", LOAD)
    finally:
        stop(solved.process)
    return figures


def memory_figures():
    log("memory: one account's 1,000 versions, then 10,000 users' profiles")
    server = PhoneAuth(18098, os.path.join(WORK, "memory.sqlite"), ["--fraud-defence", "off"])  # memory, not the defence
    try:
        return memory.figures(server, http)
    finally:
        stop(server.process)


def phoneauth_figures():
    figures = {}
    sink = start([LOAD, "sink", "--port", str(SINK_PORT)], "sink")
    time.sleep(0.3)
    if os.environ.get("ONLY") == "pumping":
        figures["pumping"] = pumping_figures()
        stop(sink)
        return figures
    if os.environ.get("ONLY") == "memory":
        figures["memory"] = memory_figures()
        stop(sink)
        return figures
    if os.environ.get("ONLY") == "logins":
        figures["logins_only"] = logins_only()
        stop(sink)
        return figures
    if os.environ.get("ONLY") == "capacity":
        figures["capacity"] = capacity_figures()
        stop(sink)
        return figures
    figures["memory"] = memory_figures()
    database = os.path.join(WORK, "bench.sqlite")
    on = PhoneAuth(18090, database)
    off = PhoneAuth(18092, database, ["--auth-cache-ttl", "0"])
    token = on.login("+13125550100")
    for address in ({"label": "Home", "line1": "1 Main St", "city": "Chicago", "region": "IL", "postal_code": "60601",
                     "country": "US"},
                    {"label": "Work", "line1": "2 Wacker Dr", "city": "Chicago", "region": "IL", "postal_code": "60606",
                     "country": "US"}):
        http("POST", on.url + "/api/v1/profile/addresses", address, token)

    log("ceiling, /health, profile and addresses (cache on, off)")
    figures["ceiling"] = under_load(on, lambda: wrk(on.url, "/.well-known/jwks.json"))
    figures["health"] = under_load(on, lambda: wrk(on.url, "/health"))
    figures["profile"] = under_load(on, lambda: wrk(on.url, "/api/v1/profile", token))
    figures["profile_nocache"] = under_load(off, lambda: wrk(off.url, "/api/v1/profile", token))
    figures["addresses"] = under_load(on, lambda: wrk(on.url, "/api/v1/profile/addresses", token))
    figures["addresses_nocache"] = under_load(off, lambda: wrk(off.url, "/api/v1/profile/addresses", token))
    stop(off.process)

    half = round(figures["profile"]["per_second"] / 2)
    log(f"fixed rate: profile at {half}/s (half the maximum)")
    figures["fixed_rate"] = under_load(on, lambda: json.loads(subprocess.run(
        [LOAD, "fixed-rate", "--port", str(on.port), "--token", token, "--rate", str(half), "--duration", str(DUR)],
        capture_output=True, text=True, check=True).stdout))

    log(f"{LOGINS} full logins at concurrency 8")
    figures["logins"] = logins([on], LOGINS)

    log("clientcli me, 20 runs")
    home = os.path.join(WORK, "cli")
    env = dict(os.environ, PHONEAUTH_HOME=home, PHONEAUTH_SERVER=on.url)
    # `clientcli login` texts the code and reads it from stdin, as a person would type it.
    login = subprocess.Popen([CLIENT, "login", "--phone", "+13125550101"], env=env, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    code = urllib.request.urlopen(f"http://127.0.0.1:{SINK_PORT}/code?to=%2B13125550101").read().decode()
    out, err = login.communicate(code + "\n", timeout=30)
    if login.returncode != 0:
        raise SystemExit(f"clientcli login failed: {out} {err}")
    runs = []
    for _ in range(20):
        began = time.perf_counter()
        subprocess.run([CLIENT, "me"], env=env, capture_output=True, check=True)
        runs.append((time.perf_counter() - began) * 1000)
    figures["clientcli_me"] = {"median_ms": statistics.median(runs), "max_ms": max(runs)}
    http("POST", on.url + "/auth/logout", {}, token)
    try:
        http("GET", on.url + "/api/v1/profile", token=token)
        raise SystemExit("a logged-out token was still served")
    except urllib.error.HTTPError as error:
        figures["after_logout_status"] = error.code
    stop(on.process)

    log("profile on 1,000,000 users")
    million = PhoneAuth(18093, seeded_million())
    token = million.login("+13125550100")
    figures["profile_1m"] = under_load(million, lambda: wrk(million.url, "/api/v1/profile", token))
    stop(million.process)

    figures["pumping"] = pumping_figures()

    if PG:
        figures.update(postgres_figures())
    stop(sink)
    return figures


@contextlib.contextmanager
def postgres_cluster(options=""):
    """A throwaway PostgreSQL 15 cluster (Tests/postgres.sh), removed afterwards; yields its URL."""
    cluster = subprocess.run(["bash", os.path.join(ROOT, "Tests", "postgres.sh"), "start"], capture_output=True, text=True,
                             check=True, env=dict(os.environ, PG_OPTIONS=options)).stdout
    values = dict(re.findall(r"(PG_\w+)=(\S+)", cluster))
    try:
        yield f"postgres://postgres@127.0.0.1:{values['PG_PORT']}/postgres?sslmode=disable"
    finally:
        subprocess.run(["bash", os.path.join(ROOT, "Tests", "postgres.sh"), "stop", values.get("PG_DIR", "")],
                       capture_output=True)


def postgres_figures():
    log("PostgreSQL: one instance, then two (one wrk thread on each); logins on one, then on two")
    with postgres_cluster() as url:
        a = PhoneAuth(18094, url)
        b = PhoneAuth(18095, url)
        token = a.login("+13125550100")
        figures = {"pg_one": under_load(a, lambda: wrk(a.url, "/api/v1/profile", token))}

        def both():
            script = os.path.join(WORK, "pg.lua")
            with open(script, "w") as f:
                f.write(f'wrk.path = "/api/v1/profile"\nwrk.headers["Authorization"] = "Bearer {token}"\n')
            loads = [subprocess.Popen(["wrk", "-t1", "-c16", f"-d{DUR}s", "--latency", "-s", script, server.url],
                                      stdout=subprocess.PIPE, text=True) for server in (a, b)]
            results = [parse_wrk(load.communicate()[0]) for load in loads]
            return {"per_second": sum(r["per_second"] for r in results), "p99_ms": max(r["p99_ms"] for r in results),
                    "errors": sum(r["errors"] for r in results)}
        figures["pg_two"] = under_load([a, b], both)
        figures["pg_logins_one"] = logins([a], LOGINS)
        figures["pg_logins_two"] = logins([a, b], LOGINS, offset=LOGINS)
        stop(a.process)
        stop(b.process)
        return figures


def psql(url, sql):
    return subprocess.run(["psql", url.split("?")[0], "-AtXqc", sql], capture_output=True, text=True, check=True).stdout.strip()


def postgres_cpu_seconds(url):
    """CPU the cluster's processes have used so far: the postmaster (found by its port) and its children."""
    port = re.search(r":(\d+)/", url).group(1)
    stats = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline") as f:
                stats[pid] = (fields[1], (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), f.read().split("\0"))
        except OSError:
            continue
    postmaster = next(pid for pid, (_, _, cmd) in stats.items() if cmd[0].endswith("bin/postgres") and port in cmd)
    return sum(cpu for pid, (parent, cpu, _) in stats.items() if pid == postmaster or parent == postmaster)


def database_work(url, servers, run, count):
    """Runs `run` (which does `count` operations) and says what PostgreSQL did for each: statements, rows, WAL bytes,
    and the CPU of PostgreSQL, of the servers and of the load generators per operation."""
    psql(url, "SELECT pg_stat_statements_reset()")
    lsn = psql(url, "SELECT pg_current_wal_lsn()")
    pg_cpu = postgres_cpu_seconds(url)
    times = os.times()
    load_cpu = times.children_user + times.children_system + times.user + times.system
    result = under_load(servers, run)
    pg_cpu = postgres_cpu_seconds(url) - pg_cpu
    times = os.times()
    load_cpu = times.children_user + times.children_system + times.user + times.system - load_cpu
    calls, rows, wal = psql(url, "SELECT sum(calls), sum(rows), sum(wal_bytes) FROM pg_stat_statements "
                                 "WHERE query NOT LIKE '%pg_stat_statements%' AND query NOT LIKE '%pg_current_wal_lsn%'").split("|")
    wal_total = int(psql(url, f"SELECT pg_current_wal_lsn() - '{lsn}'::pg_lsn"))
    per = max(1, count)
    top = psql(url, "SELECT round(total_exec_time::numeric, 1), calls, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) "
                    "FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT 6")
    result["top_statements_ms_calls"] = [line.split("|") for line in top.splitlines()]
    result.update({"statements_each": round(int(calls) / per, 1), "rows_each": round(int(rows) / per, 1),
                   "wal_bytes_each": round(float(wal) / per), "wal_total_bytes_each": round(wal_total / per),
                   "server_cpu_ms_each": round(1000 * result["server_cpu_s"] / per, 3),
                   "postgres_cpu_ms_each": round(1000 * pg_cpu / per, 3), "load_cpu_ms_each": round(1000 * load_cpu / per, 3)})
    return result


def refreshes(server, count, threads=8):
    """`count` refreshes over `threads` sessions, each thread refreshing its own in turn (a refresh needs the last one's
    token): the server's and PostgreSQL's work per refresh, not a client's best rate."""
    import threading
    tokens = []
    for i in range(threads):
        phone = f"+1312555{8000 + i}"
        sent = http("POST", server.url + "/auth/send-code", {"phone": phone})
        code = urllib.request.urlopen(f"http://127.0.0.1:{SINK_PORT}/code?to={phone.replace('+', '%2B')}").read().decode()
        tokens.append(http("POST", server.url + "/auth/verify-code",
                           {"verification_id": sent["verification_id"], "verification_code": code})["refresh_token"])
    errors = []

    def work(index):
        token = tokens[index]
        for _ in range(count // threads):
            try:
                token = http("POST", server.url + "/auth/refresh", {"refresh_token": token})["refresh_token"]
            except Exception as error:  # noqa: BLE001
                errors.append(error)
                return

    def run():
        started = time.monotonic()
        workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        seconds = time.monotonic() - started
        return {"refreshes": count - len(errors), "errors": len(errors), "per_second": count / seconds}
    return run


def capacity_figures():
    """ONLY=capacity: what docs/capacity.md is built from, on a cluster with pg_stat_statements."""
    log("capacity: PostgreSQL's work per sign-in, refresh, read and revocation; logins on one, two and three instances")
    figures = {}
    with postgres_cluster("-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all") as url:
        psql(url, "CREATE EXTENSION pg_stat_statements")
        a = PhoneAuth(18094, url)
        a.login("+13125550100")  # migrations and first connections done
        figures["sign_in"] = database_work(url, [a], lambda: logins([a], LOGINS), LOGINS)
        figures["refresh"] = database_work(url, [a], refreshes(a, 2000), 2000)
        # What a user and a session take on disk (the table with its indexes, per row), for sizing 10 million users.
        figures["bytes_per_row"] = {
            table: round(float(psql(url, f"SELECT pg_total_relation_size('{table}')::float / greatest(count(*), 1) FROM {table}")))
            for table in ("users", "user_sessions", "sms_sends", "verify_failures")}
        token = a.login("+13125550101")
        for name, extra in (("read_cached", []), ("read_uncached", ["--auth-cache-ttl", "0"])):
            server = a if not extra else PhoneAuth(18096, url, extra)
            wrk(server.url, "/api/v1/profile", token, duration=2, warm=False)
            result = database_work(url, [server], lambda: wrk(server.url, "/api/v1/profile", token, warm=False), 1)
            reads = result["per_second"] * DUR
            figures[name] = {"per_second": result["per_second"], "p99_ms": result["p99_ms"],
                             "statements_each": round(result["statements_each"] / reads, 3),
                             "server_cpu_ms_each": round(1000 * result["server_cpu_s"] / reads, 4),
                             "postgres_cpu_ms_each": round(result["postgres_cpu_ms_each"] / reads, 4)}
            if extra:
                stop(server.process)
        # A revocation: one NOTIFY, heard by every instance, each of which empties its auth-state cache.
        b = PhoneAuth(18095, url)
        victim = a.login("+13125550102")
        psql(url, "SELECT pg_stat_statements_reset()")
        http("POST", a.url + "/auth/logout", token=victim)
        figures["revocation"] = {
            "statements": int(psql(url, "SELECT sum(calls) FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'")),
            "notifies": int(psql(url, "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query LIKE '%pg_notify%' "
                                      "AND query NOT LIKE '%pg_stat_statements%'")),
            "listeners": 2}
        figures["logins_one"] = figures["sign_in"]
        figures["logins_two"] = database_work(url, [a, b], lambda: logins([a, b], LOGINS, offset=LOGINS), LOGINS)
        c = PhoneAuth(18097, url)
        figures["logins_three"] = database_work(url, [a, b, c], lambda: logins([a, b, c], LOGINS, offset=2 * LOGINS), LOGINS)
        for server in (a, b, c):
            stop(server.process)
    return figures


def peer_figures():
    log("Django peer: its own bench.sh (profile, logins), then addresses")
    bench = subprocess.run(["bash", os.path.join(PEER_DIR, "bench.sh"), "sync"], capture_output=True, text=True,
                           env=dict(os.environ, DUR=f"{DUR}s", LOGINS=os.environ.get("PEER_LOGINS", "1000")))
    with open(os.path.join(WORK, "peer-bench.log"), "w") as f:
        f.write(bench.stdout + bench.stderr)
    if bench.returncode != 0:
        raise SystemExit(f"the peer's bench.sh failed; see {WORK}/peer-bench.log")
    text = bench.stdout
    profile = parse_wrk(text)
    profile["peak_rss_mib"] = float(re.search(r"peak RSS \(sampled sum[^)]*\): (\d+) MiB", text).group(1))
    figures = {"profile": profile, "logins": {
        "per_second": float(re.search(r"logins/s=([\d.]+)", text).group(1)),
        "p99_ms": float(re.search(r"login ms p50=[\d.]+ p99=([\d.]+)", text).group(1))}}
    figures["addresses"] = peer_addresses()
    return figures


def peer_addresses():
    venv = os.environ.get("VENV", "/tmp/peer-venv")
    python = os.path.join(venv, "bin", "python")
    database = os.path.join(WORK, "peer.sqlite3")
    env = dict(os.environ, PEER_DB=database)
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=PEER_DIR, env=env, check=True)
    server = start([os.path.join(venv, "bin", "gunicorn"), "peer.wsgi:application", "-b", "127.0.0.1:18080",
                    "--no-control-socket", "--workers", "2"], "peer-gunicorn", env=env, cwd=PEER_DIR)
    url = "http://127.0.0.1:18080"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/api/v1/profile", timeout=1)
        except urllib.error.HTTPError:
            break
        except Exception:  # noqa: BLE001
            time.sleep(0.1)
    phone = "+13125550100"
    http("POST", url + "/auth/send-code", {"phone": phone})
    code = sqlite3.connect(database).execute("select code from accounts_sentsms where phone=?", (phone,)).fetchone()[0]
    token = http("POST", url + "/auth/verify-code", {"phone": phone, "verification_code": code})["access_token"]
    subprocess.run([python, "manage.py", "seed_addresses", phone], cwd=PEER_DIR, env=env, check=True, capture_output=True)
    figures = wrk(url, "/api/v1/profile/addresses", token)
    stop(server)
    return figures


def table(ours, peer):
    def ratio(a, b):
        return f"{a / b:.1f}×" if a and b else "—"

    def n(value, digits=0):
        return "—" if value is None else f"{value:,.{digits}f}"
    p = lambda key, field="per_second": (peer.get(key) or {}).get(field)  # noqa: E731
    pump = lambda phase, field: ((ours.get("pumping") or {}).get(phase) or {}).get(field)  # noqa: E731

    def pct(value):
        return "—" if value is None else f"{100 * value:.1f} %"
    o = lambda key, field="per_second": (ours.get(key) or {}).get(field)  # noqa: E731
    rows = [
        ("no-DB ceiling `GET /.well-known/jwks.json`, req/s", n(o("ceiling")), "—", "—", ""),
        ("`GET /health` (database round trip), req/s", n(o("health")), "—", "—", ""),
        ("`GET /api/v1/profile`, cache on, req/s", n(o("profile")), n(p("profile")), ratio(o("profile"), p("profile")),
         f"≥ 10× peer; ≥ 60 % of ceiling (is {100 * o('profile') / o('ceiling'):.0f} %)"),
        ("  p99 ms", n(o("profile", "p99_ms"), 2), n(p("profile", "p99_ms"), 2), "", ""),
        ("`GET /api/v1/profile`, cache off, req/s", n(o("profile_nocache")), n(p("profile")),
         ratio(o("profile_nocache"), p("profile")), ""),
        ("`GET /api/v1/profile/addresses`, cache on, req/s", n(o("addresses")), n(p("addresses")),
         ratio(o("addresses"), p("addresses")), "≥ 8× peer"),
        ("`GET /api/v1/profile/addresses`, cache off, req/s", n(o("addresses_nocache")), n(p("addresses")),
         ratio(o("addresses_nocache"), p("addresses")), ""),
        ("full logins (send-code + verify-code), c=8, logins/s", n(o("logins")), n(p("logins")),
         ratio(o("logins"), p("logins")), "≥ 10× peer"),
        ("  login p99 ms", n(o("logins", "p99_ms"), 1), n(p("logins", "p99_ms"), 1), "", ""),
        ("  server CPU per login, ms", n(o("logins", "server_cpu_ms_per_login"), 2), "—", "", ""),
        (f"profile at half the max ({n(o('fixed_rate', 'rate'))}/s, fixed rate), p99 ms", n(o("fixed_rate", "p99_ms"), 2),
         "—", "—", "< 5 ms"),
        ("profile with 1,000,000 users, req/s", n(o("profile_1m")), "—",
         f"{o('profile_1m') / o('profile'):.2f}× small DB" if o("profile_1m") else "—", "within 20 % of small DB"),
        ("PostgreSQL, one instance, profile req/s", n(o("pg_one")), n(p("profile")), ratio(o("pg_one"), p("profile")), ""),
        ("PostgreSQL, two instances, profile req/s", n(o("pg_two")), n(p("profile")), ratio(o("pg_two"), p("profile")),
         "≥ 5× peer"),
        ("PostgreSQL, one instance, full logins, logins/s", n(o("pg_logins_one")), n(p("logins")),
         ratio(o("pg_logins_one"), p("logins")), ""),
        ("  server CPU per login, ms", n(o("pg_logins_one", "server_cpu_ms_per_login"), 2), "—", "", ""),
        ("PostgreSQL, two instances, full logins, logins/s", n(o("pg_logins_two")), n(p("logins")),
         ratio(o("pg_logins_two"), p("logins")), ""),
        ("SMS pumping: texts to a bot of 10,000 requests over 400 ranges, in the hour",
         n(pump("attack", "bot_texts")), "—", "—", "≤ 100"),
        ("  bot requests answered with a challenge", pct(pump("attack", "bot_challenge_rate")), "—", "—", ""),
        ("  people signing in during the attack who got a code and signed in",
         pct(pump("attack", "people_success_rate")) + f" of {n(pump('attack', 'people'))}", "—", "—", "≥ 99 %, ≤ 1 extra step"),
        ("  people challenged during the attack (one extra step)", pct(pump("attack", "people_challenged_rate")), "—", "—", ""),
        ("SMS pumping by a bot that solves every challenge, 600 requests over 30 new ranges: texts",
         n(pump("solving_bot", "bot_texts")), "—", "—", f"{pump('solving_bot', 'bound')} at up to 2^20 hashes, then 2^20 each"),
        ("  ranges it got hardened automatically; challenges it solved, hardest",
         f"{n(pump('solving_bot', 'ranges_blocked_automatically'))}; {n(pump('solving_bot', 'bot_solved'))}, "
         f"{n(pump('solving_bot', 'bot_max_difficulty'))} bits", "—", "—", f"{n(pump('solving_bot', 'bot_ranges'))}"),
        ("  its work: SHA-256 hashes, CPU seconds (Swift)", f"{n(pump('solving_bot', 'bot_hashes'))}, "
         f"{n(pump('solving_bot', 'bot_solving_seconds'), 1)}", "—", "—", ""),
        ("  people beside it who got a code and signed in", pct(pump("solving_bot", "people_success_rate")) +
         f" of {n(pump('solving_bot', 'people'))}", "—", "—", "≥ 99 %"),
        ("  no attack: texts per sign-in (200 people), challenges", f"{pump('calm', 'sms_per_sign_in')}, "
         f"{pump('calm', 'challenged')}", "—", "—", "≤ 1.3, 0"),
        ("`clientcli me`, whole process, median of 20, ms", n(o("clientcli_me", "median_ms"), 1), "—", "—", "< 50 ms"),
        ("peak RSS of the server, highest load, MiB",
         n(max(v.get("peak_rss_mib", 0) for k, v in ours.items() if isinstance(v, dict) and k not in ("pg_two", "pg_logins_two")), 1),
         n(p("profile", "peak_rss_mib"), 1), "", "< 64 MiB"),
    ]
    lines = ["| measure | PhoneAuth | peer | ratio | target |", "|---|---:|---:|---:|---|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    lines.append("")
    lines.append("Peak RSS per load (MiB): " + ", ".join(
        f"{k} {v['peak_rss_mib']}" for k, v in ours.items() if isinstance(v, dict) and "peak_rss_mib" in v))
    return "\n".join(lines)


def main():
    try:
        ours = phoneauth_figures()
        if os.environ.get("ONLY") in ("pumping", "memory", "logins", "capacity"):
            print(json.dumps(ours[os.environ["ONLY"] + ("_only" if os.environ["ONLY"] == "logins" else "")], indent=2))
            return
        peer = peer_figures() if PEER else {}
    finally:
        for process in PROCESSES:
            stop(process)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = (f"Measured {stamp} on {os.cpu_count()} cores, server and load generators sharing them; loopback; "
              f"wrk -t2 -c32 -d{DUR}s after a 2 s warm-up; release build; log level info.")
    markdown = header + "\n\n" + table(ours, peer) + "\n"
    print(markdown)
    results = os.path.join(ROOT, "bench", "results")
    os.makedirs(results, exist_ok=True)
    with open(os.path.join(results, "latest.md"), "w") as f:
        f.write(markdown)
    with open(os.path.join(results, "latest.json"), "w") as f:
        json.dump({"measured": stamp, "cores": os.cpu_count(), "duration_s": DUR, "phoneauth": ours, "peer": peer}, f,
                  indent=2, sort_keys=True)
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
