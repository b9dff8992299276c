import Foundation
import Hummingbird
import PhoneAuthCore

/// The pages behind the sign-in and the actions they post. Each action redirects back to its page (303) with a notice.
extension ConsoleController {
    func addPageRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("", use: overview)
        group.get("fraud", use: fraud)
        group.post("fraud/block", use: blockRange)
        group.post("fraud/unblock", use: unblockRange)
        group.get("users", use: users)
        group.get("users/:id", use: user)
        group.post("users/:id/sessions/:sid/revoke") { request, context in
            try await userAction(request, context) { id, _, actor in
                guard try await actions.revokeSession(id: try context.parameters.require("sid"), userID: id, by: actor) else {
                    throw AppError(.notFound, "That session is not one of this user's, or it has already ended.")
                }
                return .sessionRevoked
            }
        }
        group.post("users/:id/force-logout") { request, context in
            try await userAction(request, context) { id, _, actor in
                _ = try await actions.forceLogout(.user(id), by: actor)
                return .loggedOut
            }
        }
        group.post("users/:id/ban") { request, context in
            try await userAction(request, context) { id, form, actor in
                _ = try await actions.ban(userID: id, reason: try Self.reason(form), by: actor)
                return .banned
            }
        }
        group.post("users/:id/unban") { request, context in
            try await userAction(request, context) { id, _, actor in
                _ = try await actions.unban(userID: id, by: actor)
                return .unbanned
            }
        }
        group.post("users/:id/delete") { request, context in
            try await userAction(request, context) { id, form, actor in
                guard id != actor.userID else { throw AppError(.forbidden, "Your own account is deleted from the app, after a fresh sign-in.") }
                _ = try await actions.deleteUser(accounts.erasure(userID: id), reason: try Self.reason(form), by: actor)
                return .deleted
            }
        }
        group.post("users/:id/reattach") { request, context in
            try await userAction(request, context) { id, form, actor in
                guard try await actions.reattach(userID: id, reason: try OperatorReason.parse(form.text("reason"), field: "reason"), by: actor) != nil
                else {
                    throw AppError(.notFound, "This account is not detached.")
                }
                return .reattached
            }
        }
        group.post("users/:id/role") { request, context in
            try await userAction(request, context) { id, form, actor in
                guard let role = form["role"].flatMap(UserRole.init(rawValue:)) else {
                    throw AppError.validation("role", "The role must be user or admin.")
                }
                _ = try await actions.setRole(userID: id, role: role, by: actor)
                return role == .admin ? .promoted : .demoted
            }
        }
        group.get("markets", use: marketsPage)
        group.post("markets/:code/force-logout") { request, context in
            try await action(request, context) { _, _, actor in
                let code = try context.parameters.require("code")
                guard markets.market(code: code) != nil else { throw AppError(.notFound, "No market \(code) is configured.") }
                _ = try await actions.forceLogout(.market(code), by: actor)
                return .redirect(to: "/console/markets?notice=\(ConsoleNotice.marketLoggedOut.rawValue)", type: .normal)
            }
        }
        group.get("audit", use: audit)
        group.get("webhooks") { request, context in
            try await page(request, context) { caller, csrf in
                var endpoints: [(WebhookEndpoint, [WebhookDeadLetter])] = []
                for endpoint in try await webhooks.webhooks.list() {
                    endpoints.append((endpoint, try await webhooks.webhooks.deadLetters(endpointID: endpoint.id, limit: 20)))
                }
                return renderer.response(
                    WebhooksPage(chrome: chrome(.webhooks, "Webhooks", caller, csrf: csrf, request: request), endpoints: endpoints))
            }
        }
        group.post("webhooks/:id/dead-letters/:letter/retry") { request, context in
            try await action(request, context) { _, _, actor in
                guard let id = context.parameters.get("id", as: Int64.self), let letter = context.parameters.get("letter", as: Int64.self) else {
                    throw AppError(.notFound, "There is no such dead letter.")
                }
                let asked = try await webhooks.retry(endpointID: id, deadLetterID: letter, by: actor)
                return .redirect(to: "/console/webhooks?notice=\((asked ? ConsoleNotice.webhookRetry : .webhookNotRetried).rawValue)", type: .normal)
            }
        }
        // Any other console address is a page that does not exist, answered as a page.
        group.get("**") { request, context in
            try await page(request, context) { _, _ in throw AppError(.notFound, "There is no such page in the console.") }
        }
    }

    // MARK: Overview

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(request, context) { caller, csrf in
            let text = request.uri.queryParameters.get("window") ?? ActivityWindow.day.rawValue
            guard let window = ActivityWindow(rawValue: text) else {
                throw AppError.validation("window", "The period must be hour, day or week.")
            }
            let report = try await report(window)
            let deliveries = try await codes.deliveries.stats(since: now().addingTimeInterval(-TimeInterval(window.seconds)))
            let model = OverviewPage(
                chrome: chrome(.overview, "Overview", caller, csrf: csrf, request: request), report: report, window: window, markets: markets,
                prices: prices, deliveries: deliveries, fraud: codes.fraud)
            return renderer.response(model)
        }
    }

    /// This instance's pending counters are written first, so the page shows everything up to this request.
    func report(_ window: ActivityWindow) async throws -> OverviewReport {
        let now = now()
        let counts = try await activity.counts(since: now.addingTimeInterval(-TimeInterval(window.seconds)))
        return OverviewReport(counts, window: window, now: now)
    }

    // MARK: Fraud

    /// The busiest 200 ranges, or with `?lookup=` that one range (also one nothing was sent to).
    @Sendable func fraud(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(request, context) { caller, csrf in
            let chrome = chrome(.fraud, "Fraud", caller, csrf: csrf, request: request)
            let blocks = try await actions.ranges.blocks()
            guard let lookup = ConsoleForm(request.uri.query ?? "").text("lookup") else {
                return renderer.response(FraudPage(chrome: chrome, ranges: try await actions.ranges.busiest(limit: 200), blocks: blocks))
            }
            do {
                let one = try await actions.ranges.summary(of: lookup)
                return renderer.response(FraudPage(chrome: chrome, ranges: [one], blocks: blocks, lookup: lookup, lookedUp: one.range))
            } catch let error as AppError where error.status == .badRequest {
                let model = FraudPage(chrome: chrome, ranges: [], blocks: blocks, error: error.message, lookup: lookup)
                return renderer.response(model, status: .badRequest)
            }
        }
    }

    @Sendable func blockRange(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await action(request, context) { caller, form, actor in
            let (range, reason) = (form.text("range") ?? "", form.text("reason") ?? "")
            do {
                _ = try await actions.blockRange(range, reason: reason, by: actor)
            } catch let error as AppError where error.status == .badRequest {
                // Shown beside the form, with what was typed kept.
                let model = FraudPage(
                    chrome: chrome(.fraud, "Fraud", caller, csrf: session.csrfToken(for: caller), request: request),
                    ranges: try await actions.ranges.busiest(limit: 200), blocks: try await actions.ranges.blocks(), error: error.message,
                    range: range, reason: reason)
                return renderer.response(model, status: .badRequest)
            }
            return .redirect(to: "/console/fraud?notice=\(ConsoleNotice.rangeBlocked.rawValue)", type: .normal)
        }
    }

    @Sendable func unblockRange(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await action(request, context) { _, form, actor in
            let lifted = try await actions.unblockRange(form.text("range") ?? "", by: actor)
            let notice = lifted ? ConsoleNotice.rangeUnblocked : .rangeNotBlocked
            return .redirect(to: "/console/fraud?notice=\(notice.rawValue)", type: .normal)
        }
    }

    // MARK: Users

    /// `?q=`: a phone number in any spelling the API accepts or a user id opens that user; anything else of two
    /// characters or more lists the users whose name or number contains it.
    @Sendable func users(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(request, context) { caller, csrf in
            var model = UsersPage(chrome: chrome(.users, "Users", caller, csrf: csrf, request: request), query: "")
            // Read as a form encodes it ("+" is a space, "%2B" a plus), which a GET form in a browser does.
            guard let query = ConsoleForm(request.uri.query ?? "").text("q") else { return renderer.response(model) }
            model.query = query
            if let phone = try? PhoneNumber(parsing: query), let found = try await directory.find(phone: phone), let id = found.id {
                return .redirect(to: "/console/users/\(id)", type: .normal)
            }
            if let id = Int64(query), id > 0, try await directory.find(id: id) != nil {
                return .redirect(to: "/console/users/\(id)", type: .normal)
            }
            if Int64(query) != nil, query.count < UserSearch.minimumLength {
                model.error = "No user has the id \(query)."
                return renderer.response(model, status: .notFound)
            }
            guard let search = UserSearch(query) else {
                let length = "\(UserSearch.minimumLength) to \(UserSearch.maximumLength)"
                model.error = "Type \(length) characters of a name or number, or a whole phone number or user id."
                return renderer.response(model, status: .badRequest)
            }
            let found = try await directory.search(search)
            guard !found.isEmpty else {
                model.error = "No user has the phone number or id \(query), or a name or number containing it."
                return renderer.response(model, status: .notFound)
            }
            model.results = found.map(UsersPage.Row.init)
            model.truncated = found.count == search.limit
            return renderer.response(model)
        }
    }

    @Sendable func user(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(request, context) { caller, csrf in
            let id = try Self.userID(context)
            let user = try await directory.user(id: id, message: "There is no user \(id).")
            let model = UserPage(
                chrome: chrome(.users, user.fullName ?? "User \(id)", caller, csrf: csrf, request: request), user: user,
                addresses: try await directory.addresses(of: id), sessions: try await directory.sessions(of: id),
                numbers: try await directory.numbers(of: id), viewer: caller.userID, now: now())
            return renderer.response(model)
        }
    }

    /// An action on one user that exists; back to the user's page with the notice `body` returns.
    private func userAction(
        _ request: Request, _ context: AppRequestContext,
        _ body: (_ id: Int64, _ form: ConsoleForm, _ actor: OperatorActions.Operator) async throws -> ConsoleNotice
    ) async throws -> Response {
        try await action(request, context) { _, form, actor in
            let id = try Self.userID(context)
            _ = try await directory.user(id: id, message: "There is no user \(id).")
            let notice = try await body(id, form, actor)
            return .redirect(to: "/console/users/\(id)?notice=\(notice.rawValue)", type: .normal)
        }
    }

    private static func userID(_ context: AppRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self), id > 0 else { throw AppError(.notFound, "There is no such user.") }
        return id
    }

    private static func reason(_ form: ConsoleForm) throws -> String {
        guard let reason = try OperatorReason.parse(form.text("reason"), field: "reason") else {
            throw AppError.validation("reason", "Give a reason of 1 to \(OperatorReason.maximumLength) characters.")
        }
        return reason
    }

    // MARK: Markets and audit log

    @Sendable func marketsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(request, context) { caller, csrf in
            let now = now()
            let model = MarketsPage(
                chrome: chrome(.markets, "Markets", caller, csrf: csrf, request: request), markets: markets,
                users: try await directory.countByMarket(),
                activity: try await activity.counts(since: now.addingTimeInterval(-TimeInterval(ActivityWindow.week.seconds))), now: now)
            return renderer.response(model)
        }
    }

    @Sendable func audit(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await page(request, context) { caller, csrf in
            let query = request.uri.queryParameters
            let (operatorText, target) = (query.get("operator").map { String($0) } ?? "", query.get("target").map { String($0) } ?? "")
            let chrome = chrome(.audit, "Audit log", caller, csrf: csrf, request: request)
            let operatorID = operatorText.isEmpty ? nil : Int64(operatorText.trimmingCharacters(in: .whitespaces))
            let before = query.get("before").flatMap { Int64($0) }
            guard operatorText.isEmpty || (operatorID ?? 0) > 0, target.count <= 200 else {
                let model = AuditPage(
                    chrome: chrome, entries: [], operatorFilter: operatorText, targetFilter: target,
                    error: "The operator is a user id (a number); the target at most 200 characters, e.g. user:7.")
                return renderer.response(model, status: .badRequest)
            }
            let entries = try await actions.audit.list(
                operatorID: operatorID, target: target.isEmpty ? nil : target.trimmingCharacters(in: .whitespaces), before: before,
                limit: AuditPage.pageSize)
            return renderer.response(AuditPage(chrome: chrome, entries: entries, operatorFilter: operatorText, targetFilter: target))
        }
    }
}
