"""Memory one account cannot inflate (issue 24, item 10), for `make bench`: the server's resident memory after one
account writes 1,000 versions of its profile and address book (each read back, so every version is encoded and
offered to the response memos), and after 10,000 users each read their profile once. Both must stay under 100 MiB;
before the memos were bounded by bytes, 300 such versions grew a server from 58 to 276 MiB."""
import concurrent.futures


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def figures(server, call, users=10_000, versions=1_000, concurrency=8):
    """`server`: a `bench.PhoneAuth` on a fresh database with open limits; `call(method, url, body, token)`: bench's
    JSON client (the parsed answer)."""
    login = server.login
    base = server.url
    result = {"idle_mib": round(rss_mib(server.process.pid), 1)}
    token = login("+13125550900")
    # Large but valid values: 100 four-byte scalars in the name, 200 characters in each of 20 address lines.
    lines = []
    for n in range(20):
        added = call("POST", base + "/api/v1/profile/addresses", {"line1": f"{n} " + "Main Street " * 16, "city": "Chicago",
                                                                  "region": "IL", "postal_code": "60601"}, token)
        lines.append(added["id"])
    for version in range(versions):
        call("PATCH", base + "/api/v1/profile", {"full_name": f"{version:04d} " + "\U0001F600" * 95}, token)
        call("GET", base + "/api/v1/profile", token=token)
        call("PATCH", f"{base}/api/v1/profile/addresses/{lines[version % 20]}", {"line2": f"apartment {version} " + "x" * 180}, token)
        call("GET", base + "/api/v1/profile/addresses", token=token)
    result["after_one_account_mib"] = round(rss_mib(server.process.pid), 1)

    def one_user(n):
        user = login(f"+1{300 + n // 1_000}555{n % 1_000:04d}")
        call("GET", base + "/api/v1/profile", token=user)

    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one_user, range(users)))
    result["after_users_mib"] = round(rss_mib(server.process.pid), 1)
    result["users"] = users
    result["versions"] = versions
    return result
