"""The SMS-pumping benchmark (issue 14), run by bench.py against a fresh server with the shipped limits behind a trusted
proxy (127.0.0.1): first people signing in with no attack, then a bot sending 10,000 send-code requests over 400
number ranges from rotating addresses, never entering a code and never solving a challenge, while people keep
signing in beside it. People enter their code as people do and solve a challenge when asked (as ClientCore does).
Returns the figures: SMS to the bot, people's success and challenge rates, SMS per sign-in without an attack."""
import hashlib
import json
import random
import subprocess
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def post(url, body, address, token=None):
    """(status, parsed body); never raises for an HTTP status."""
    request = urllib.request.Request(url, method="POST", data=json.dumps(body).encode())
    request.add_header("Content-Type", "application/json")
    request.add_header("X-Forwarded-For", address)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def solve(token, difficulty):
    """The first decimal counter that carries the work, as ClientCore's solver finds it."""
    prefix = hashlib.sha256((token + ":").encode())
    counter = 0
    while True:
        candidate = prefix.copy()
        candidate.update(str(counter).encode())
        if int.from_bytes(candidate.digest()[:4], "big") >> (32 - difficulty) == 0:
            return str(counter)
        counter += 1


class Population:
    def __init__(self, servers, sink):
        self.servers, self.sink = servers, sink
        self.lock = threading.Lock()
        self.people = []  # (kind, got code, signed in, challenges met, seconds)

    def server(self, index):
        return self.servers[index % len(self.servers)]

    def ask(self, phone, address, index):
        """send-code as the app does: solves a challenge once if asked. (status, body, challenges met)."""
        url = self.server(index) + "/auth/send-code"
        status, body = post(url, {"phone": phone}, address)
        challenges = 0
        if status == 428:
            challenges = 1
            error = body["error"]
            solution = solve(error["challenge"], error["difficulty"])
            status, body = post(url, {"phone": phone, "challenge": error["challenge"], "solution": solution}, address)
            if status == 428:
                challenges = 2
        return status, body, challenges

    def sign_in(self, kind, phone, address, index, enters_code=True):
        began = time.perf_counter()
        status, body, challenges = self.ask(phone, address, index)
        signed_in = False
        if status == 202 and enters_code:
            code = urllib.request.urlopen(f"{self.sink}/code?to={phone.replace('+', '%2B')}", timeout=10).read().decode()
            verified, _ = post(self.server(index + 1) + "/auth/verify-code",
                               {"verification_id": body["verification_id"], "verification_code": code}, address)
            signed_in = verified == 200
        with self.lock:
            self.people.append((kind, status == 202, signed_in, challenges, time.perf_counter() - began))
        return signed_in


def us(area, number):
    return f"+1{area}555{number:04d}"


def figures(servers, sink, bot_requests=10_000, ranges=400, people=300):
    result = {}
    history = [600 + r for r in range(30)]
    known = []
    population = Population(servers, sink)
    # Earlier sign-ins: 120 people over 30 ranges (these ranges now have a history; these numbers are known).
    for i in range(120):
        phone = us(history[i % 30], 1000 + i)
        if population.sign_in("history", phone, f"198.51.100.{i % 250}", i):
            known.append(phone)

    # No attack: 200 people over 40 ranges, 20 of whom lose their first code and ask again after the cooldown, 10 of
    # whom never enter theirs.
    calm = Population(servers, sink)
    rng = random.Random(13)
    lost = []
    for i in range(200):
        phone = us(rng.choice(history) if i % 4 else 630 + rng.randrange(10), 2000 + i)
        if i % 10 == 3:
            calm.sign_in("calm, lost code", phone, f"198.18.0.{i}", i, enters_code=False)
            lost.append((time.monotonic(), phone, i))
        else:
            calm.sign_in("calm", phone, f"198.18.0.{i}", i, enters_code=i % 20 != 7)
    for began, phone, i in lost:
        time.sleep(max(0.0, began + 61 - time.monotonic()))
        calm.sign_in("calm, second code", phone, f"198.18.0.{i}", i)
    texts = sum(1 for p in calm.people if p[1])
    signed = sum(1 for p in calm.people if p[2])
    result["calm"] = {"people": 200, "texts": texts, "sign_ins": signed, "sms_per_sign_in": round(texts / signed, 3),
                      "challenged": sum(1 for p in calm.people if p[3])}

    # The attack: 10,000 requests over 400 ranges (360 US, 40 KG), 16 at a time, each from a fresh address; people
    # keep signing in beside it until it ends.
    bot = {"texts": 0, "challenged": 0, "other": {}}
    bot_lock = threading.Lock()
    done = threading.Event()

    def bot_request(i):
        r = i % ranges
        phone = us(200 + r, i % 10_000) if r < 360 else f"+9967{r - 360:02d}{i:06d}"
        status, _ = post(servers[i % len(servers)] + "/auth/send-code", {"phone": phone},
                         f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}")
        with bot_lock:
            if status == 202:
                bot["texts"] += 1
            elif status == 428:
                bot["challenged"] += 1
            else:
                bot["other"][status] = bot["other"].get(status, 0) + 1

    attacked = Population(servers, sink)

    def people_during_attack():
        rng = random.Random(14)
        i = 0
        while not done.is_set() or i < people:
            kind = ("history range", "history range", "returning", "attacked new range", "quiet new range")[i % 5]
            if kind == "history range":
                phone = us(rng.choice(history), 3000 + i)
            elif kind == "returning":
                phone = known[i // 5 % len(known)]  # each returns once: a person does not sign in twice a minute
            elif kind == "attacked new range":
                phone = us(200 + rng.randrange(360), 5000 + i)
            else:
                phone = us(800 + i % 100, 6000 + i)
            attacked.sign_in(kind, phone, f"203.0.{i // 250}.{i % 250}", i)
            i += 1
            if i >= 5 * people:
                break

    began = time.perf_counter()
    with ThreadPoolExecutor(2) as people_pool:
        runs = [people_pool.submit(people_during_attack) for _ in range(1)]
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(bot_request, range(bot_requests)))
        done.set()
        for run in runs:
            run.result()
    elapsed = time.perf_counter() - began
    everyone = attacked.people
    result["attack"] = {
        "bot_requests": bot_requests, "ranges": ranges, "seconds": round(elapsed, 1),
        "bot_texts": bot["texts"], "bot_challenged": bot["challenged"], "bot_other": bot["other"],
        "bot_challenge_rate": round(bot["challenged"] / bot_requests, 4),
        "people": len(everyone),
        "people_got_code": sum(1 for p in everyone if p[1]),
        "people_signed_in": sum(1 for p in everyone if p[2]),
        "people_success_rate": round(sum(1 for p in everyone if p[2]) / max(1, len(everyone)), 4),
        "people_challenged_rate": round(sum(1 for p in everyone if p[3]) / max(1, len(everyone)), 4),
        "people_more_than_one_extra_step": sum(1 for p in everyone if p[3] > 1),
        "returning_challenged": sum(1 for p in everyone if p[0] == "returning" and p[3]),
        "people_p99_seconds": round(sorted(p[4] for p in everyone)[int(0.99 * (len(everyone) - 1))], 3) if everyone else None,
        "by_kind": {kind: {"people": sum(1 for p in everyone if p[0] == kind),
                           "signed_in": sum(1 for p in everyone if p[0] == kind and p[2]),
                           "challenged": sum(1 for p in everyone if p[0] == kind and p[3])}
                    for kind in sorted({p[0] for p in everyone})},
    }
    return result


def metric(server, name):
    """One counter's value from the server's /metrics (0 when it has no sample yet)."""
    text = urllib.request.urlopen(server + "/metrics", timeout=10).read().decode()
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(name + " ") or line.startswith(name + "{"))


def solving_bot_figures(server, sink, load, requests=600, ranges=30, people=100, allowance=3, auto_block_after=10):
    """A bot that solves every challenge (`phoneauth-load solving-bot`, Swift, on the same cores) pumps `ranges` new
    ranges while people sign in beside it from ranges the bot does not touch. The bound the README states: per range,
    its allowance plus `auto_block_after` texts, then the range is hardened and every further text costs the hardest
    challenge (a sign-in in a range within the hour would hold the hardening off, so people stay out of the bot's
    ranges here)."""
    history = [600 + r for r in range(20)]
    known = []
    population = Population([server], sink)
    for i in range(60):
        phone = us(history[i % 20], 1000 + i)
        if population.sign_in("history", phone, f"198.51.100.{i % 250}", i):
            known.append(phone)

    beside = Population([server], sink)
    done = threading.Event()

    def people_during_attack():
        rng = random.Random(15)
        i = 0
        while (not done.is_set() or i < people) and i < 5 * people:
            kind = ("history range", "returning", "quiet new range")[i % 3]
            if kind == "history range":
                phone = us(rng.choice(history), 3000 + i)
            elif kind == "returning":
                phone = known[i // 3 % len(known)]
            else:
                phone = us(800 + i % 100, 6000 + i)
            beside.sign_in(kind, phone, f"203.0.{i // 250}.{i % 250}", i)
            i += 1

    with ThreadPoolExecutor(1) as pool:
        run = pool.submit(people_during_attack)
        bot = json.loads(subprocess.run([load, "solving-bot", "--server", server, "--requests", str(requests), "--ranges",
                                         str(ranges)], capture_output=True, text=True, check=True).stdout)
        done.set()
        run.result()
    everyone = beside.people
    return {
        **{f"bot_{key}": value for key, value in bot.items()},
        "bound": ranges * (allowance + auto_block_after),
        "ranges_blocked_automatically": metric(server, "phoneauth_ranges_blocked_automatically_total"),
        "challenges_solved": metric(server, "phoneauth_challenges_solved_total"),
        "people": len(everyone),
        "people_success_rate": round(sum(1 for p in everyone if p[2]) / max(1, len(everyone)), 4),
        "people_challenged_rate": round(sum(1 for p in everyone if p[3]) / max(1, len(everyone)), 4),
        "people_p99_seconds": round(sorted(p[4] for p in everyone)[int(0.99 * (len(everyone) - 1))], 3) if everyone else None,
        "by_kind": {kind: {"people": sum(1 for p in everyone if p[0] == kind),
                           "signed_in": sum(1 for p in everyone if p[0] == kind and p[2]),
                           "challenged": sum(1 for p in everyone if p[0] == kind and p[3])}
                    for kind in sorted({p[0] for p in everyone})},
    }
