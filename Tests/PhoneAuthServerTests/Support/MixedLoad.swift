import Foundation
import PhoneAuthCore
import Testing

/// An open-loop load of what people do, through one endpoint: sign-ins (send-code, the texted code, verify-code),
/// profile reads, renames, address creations and refreshes. Requests start on a fixed schedule whatever the answers
/// (a slow server meets a growing queue, as in production); each signed-in user is used by one request at a time, like
/// one phone. It remembers every write the server acknowledged, so a test can check afterwards that none was lost.
final class MixedLoad: Sendable {
    struct Failure: Sendable, CustomStringConvertible {
        var operation: String
        var started: ContinuousClock.Instant
        var detail: String
        var description: String { "\(operation): \(detail)" }
    }

    struct Report: Sendable {
        var requests = 0
        var signIns = 0
        var failures: [Failure] = []
        /// Whether `during` returned before the load ended.
        var restartsDone = false
        /// When `during` called `mark()` (the moment it killed an instance, say).
        var marked: ContinuousClock.Instant?
        var seconds = 0.0

        var summary: String {
            let rate = seconds > 0 ? Double(requests) / seconds : 0
            return "\(requests) requests (\(signIns) sign-ins) in \(String(format: "%.1f", seconds)) s, "
                + "\(String(format: "%.0f", rate))/s, \(failures.count) failed"
        }
    }

    private struct User: Sendable {
        var phone: String
        var access: String
        var refresh: String
        /// Ids of the addresses the server answered 201 for.
        var addresses: [Int] = []
        /// The last name the server acknowledged; unknown after a rename whose answer was lost.
        var name: String?
        var nameKnown = true
        /// A refresh whose answer was lost leaves the user with a token that may be spent: they would sign in again.
        var retired = false
    }

    private struct Pool {
        var free: [User] = []
        var everyone: [String: User] = [:]
        var nextPhone = 0
        var report = Report()
    }

    private let client: LoopbackClient
    private let receiver: WebhookReceiver
    private let pool = Locked(Pool())

    init(client: LoopbackClient, receiver: WebhookReceiver) {
        self.client = client
        self.receiver = receiver
    }

    /// Starts `perSecond` operations a second until `atLeast` has passed and `during` has returned, then waits for the
    /// ones in flight.
    func run(
        atLeast duration: Duration, perSecond rate: Int, during: @escaping @Sendable () async throws -> Void
    ) async throws -> Report {
        pool.withLock { $0.report = Report() }
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await during()
                self.pool.withLock { $0.report.restartsDone = true }
            }
            let interval = Duration.seconds(1) / rate
            var index = 0
            while ContinuousClock.now - started < duration || !pool.withLock({ $0.report.restartsDone }) {
                let operation = index
                group.addTask { await self.operate(operation) }
                index += 1
                try await Task.sleep(until: started + interval * index, clock: .continuous)
                guard ContinuousClock.now - started < duration + .seconds(120) else { throw MotoError("`during` did not end within 2 minutes") }
            }
            try await group.waitForAll()
        }
        let elapsed = (ContinuousClock.now - started).components
        return pool.withLock { pool in
            pool.report.seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            return pool.report
        }
    }

    /// Notes the moment in the report (for `during`).
    func mark() {
        pool.withLock { $0.report.marked = .now }
    }

    private func operate(_ index: Int) async {
        // At random, not by index: a fixed pattern can fall in step with the balancer's round robin, so that one
        // instance never gets a sign-in.
        let kind = Int.random(in: 0..<10)
        guard kind >= 2, var user = checkOut() else { return await signIn() }
        switch kind {
        case 6 where user.addresses.count < 15, 7 where user.addresses.count < 15: await addAddress(&user)
        case 8: await refresh(&user)
        case 9: await rename(&user, index: index)
        default: await readProfile(user)
        }
        giveBack(user)
    }

    // MARK: Operations

    private func signIn() async {
        let phone = pool.withLock { pool in
            defer { pool.nextPhone += 1 }
            // Spread over 700 ranges (country code and three digits), as real traffic is.
            let n = pool.nextPhone
            return "+1\(200 + n % 700)555\(String(format: "%04d", n / 700 % 10_000))"
        }
        guard let sent = await call("send-code", "POST", "/auth/send-code", ["phone": phone], keyed: true, expect: 202),
            let id = sent.json["verification_id"] as? String
        else { return }
        guard let code = receiver.lastCode(to: phone) else { return fail("send-code", .now, "202 but no text reached the receiver") }
        guard let grant = await call("verify-code", "POST", "/auth/verify-code", ["verification_id": id, "verification_code": code], expect: 200),
            let access = grant.json["access_token"] as? String, let refresh = grant.json["refresh_token"] as? String
        else { return }
        pool.withLock { pool in
            pool.report.signIns += 1
            let user = User(phone: phone, access: access, refresh: refresh)
            pool.everyone[phone] = user
            pool.free.append(user)
        }
    }

    private func readProfile(_ user: User) async {
        _ = await call("profile", "GET", "/api/v1/profile", token: user.access, expect: 200)
    }

    private func rename(_ user: inout User, index: Int) async {
        let name = "Load \(index)"
        if await call("rename", "PATCH", "/api/v1/profile", ["full_name": name], token: user.access, expect: 200) != nil {
            (user.name, user.nameKnown) = (name, true)
        } else {
            user.nameKnown = false
        }
    }

    private func addAddress(_ user: inout User) async {
        let body = ["label": "Home", "line1": "1 Main St", "city": "Chicago", "region": "IL", "postal_code": "60606"]
        if let created = await call("address", "POST", "/api/v1/profile/addresses", body, token: user.access, keyed: true, expect: 201),
            let id = created.json["id"] as? Int
        {
            user.addresses.append(id)
        }
    }

    private func refresh(_ user: inout User) async {
        guard let grant = await call("refresh", "POST", "/auth/refresh", ["refresh_token": user.refresh], expect: 200),
            let access = grant.json["access_token"] as? String, let refresh = grant.json["refresh_token"] as? String
        else {
            user.retired = true
            return
        }
        (user.access, user.refresh) = (access, refresh)
    }

    /// One request; nil (and a recorded failure) unless it came back with `expect`. `keyed`: with a fresh
    /// Idempotency-Key, as ClientCore sends one, so a request the balancer sends twice is done once.
    private func call(
        _ operation: String, _ method: String, _ path: String, _ body: [String: String]? = nil, token: String? = nil, keyed: Bool = false,
        expect: Int
    ) async -> LoopbackClient.Answer? {
        let started = ContinuousClock.now
        pool.withLock { $0.report.requests += 1 }
        do {
            let headers = keyed ? ["Idempotency-Key: \(UUID().uuidString)"] : []
            let answer = try await client.request(method, path, json: body, token: token, headers: headers)
            guard answer.status == expect else {
                fail(operation, started, "\(answer.status) \(answer.errorCode ?? "")")
                return nil
            }
            return answer
        } catch {
            fail(operation, started, "\(error)")
            return nil
        }
    }

    private func fail(_ operation: String, _ started: ContinuousClock.Instant, _ detail: String) {
        pool.withLock { $0.report.failures.append(Failure(operation: operation, started: started, detail: detail)) }
    }

    private func checkOut() -> User? {
        pool.withLock { $0.free.isEmpty ? nil : $0.free.removeFirst() }
    }

    private func giveBack(_ user: User) {
        pool.withLock { pool in
            pool.everyone[user.phone] = user
            if !user.retired { pool.free.append(user) }
        }
    }

    // MARK: Afterwards

    /// Reads back every user's addresses and name (retired users sign in again first): how many users were checked,
    /// and what was acknowledged but is not there.
    func verifyAcknowledgedWrites(through instance: LoopbackClient) async throws -> (users: Int, missing: [String]) {
        let users = pool.withLock { Array($0.everyone.values) }
        var missing: [String] = []
        for var user in users {
            if user.retired {
                let sent = try await instance.request("POST", "/auth/send-code", json: ["phone": user.phone])
                let id = try #require(sent.json["verification_id"] as? String, "\(sent.status)")
                let code = try #require(receiver.lastCode(to: user.phone))
                let grant = try await instance.request("POST", "/auth/verify-code", json: ["verification_id": id, "verification_code": code])
                user.access = try #require(grant.json["access_token"] as? String, "\(grant.status)")
            }
            let book = try await instance.request("GET", "/api/v1/profile/addresses", token: user.access)
            let stored = Set(((book.json["addresses"] as? [any Sendable]) ?? []).compactMap { ($0 as? [String: any Sendable])?["id"] as? Int })
            for id in user.addresses where !stored.contains(id) { missing.append("\(user.phone): address \(id)") }
            if user.nameKnown, let name = user.name {
                let profile = try await instance.request("GET", "/api/v1/profile", token: user.access)
                if profile.json["full_name"] as? String != name {
                    missing.append("\(user.phone): name \(name), stored \(profile.json["full_name"] ?? "none")")
                }
            }
        }
        return (users.count, missing)
    }
}
