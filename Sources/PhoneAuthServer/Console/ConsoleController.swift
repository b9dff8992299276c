import Foundation
import Hummingbird
import Logging
import PhoneAuthCore

/// The operator console at `/console`: HTML pages rendered on the server. Sign-in is the app's send/verify flow; every
/// page then needs an operator (`ConsoleSession`), every form that changes state a CSRF token, and every action goes
/// through `OperatorActions`, the admin API's own implementation. Errors are pages, not JSON: a browser reads them.
struct ConsoleController: Sendable {
    let session: ConsoleSession
    let renderer: ConsoleRenderer
    let codes: CodeSender
    let sessions: SessionService
    let actions: OperatorActions
    /// Webhook endpoints and their dead letters.
    let webhooks: WebhookAdmin
    /// What erasing a user takes (the digest key, the quarantine).
    let accounts: AccountService
    let directory: UserDirectory
    let activity: ActivityRecorder
    let markets: MarketCatalog
    let prices: [String: Double]
    let trustedProxies: Set<String>
    let ipv6PrefixLength: Int
    let now: WallClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("assets/console.css") { _, _ in renderer.stylesheet }
        group.get("assets/console.js") { _, _ in renderer.script }
        group.get("login", use: loginPage)
        group.post("login", use: sendCode)
        group.post("verify", use: verifyCode)
        group.post("logout") { request, context in
            try await action(request, context) { caller, _, _ in
                try await sessions.logOut(caller, scope: .local, logger: context.logger)
                var response = Response.redirect(to: "/console/login?notice=signed-out", type: .normal)
                for cookie in session.clearing(secure: secure(request, context)) { response.setCookie(cookie) }
                return response
            }
        }
        addPageRoutes(to: group)
    }

    // MARK: Who may see a page

    /// Resolves the console session and runs `body` for an operator; sends everyone else to sign in (or refuses them),
    /// and shows an `AppError` the body throws as an error page with its status.
    func page(
        _ request: Request, _ context: AppRequestContext, _ body: (_ caller: Caller, _ csrf: String) async throws -> Response
    ) async throws -> Response {
        switch await session.state(of: request, logger: context.logger) {
        case .signedOut(let notice):
            var response = Response.redirect(to: "/console/login" + (notice == nil ? "" : "?notice=session-ended"), type: .normal)
            if request.cookies[ConsoleSession.accessCookie] != nil {
                for cookie in session.clearing(secure: secure(request, context)) { response.setCookie(cookie) }
            }
            return response
        case .notOperator(let caller):
            // Demoted (or never an admin): this console session ends here, the app's sessions are untouched.
            try? await sessions.logOut(caller, scope: .local, logger: context.logger)
            var response = errorPage(.forbidden, "Not an operator", "Only users with the admin role can use the console.", signIn: true)
            for cookie in session.clearing(secure: secure(request, context)) { response.setCookie(cookie) }
            return response
        case .signedIn(let caller, let renewed):
            var response: Response
            do {
                response = try await body(caller, session.csrfToken(for: caller))
            } catch let error as AppError {
                response = errorPage(error, caller: caller)
            }
            if let renewed { for cookie in session.cookies(for: renewed, secure: secure(request, context)) { response.setCookie(cookie) } }
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }

    /// A state-changing form: an operator's page whose form carries this session's CSRF token.
    func action(
        _ request: Request, _ context: AppRequestContext,
        _ body: (_ caller: Caller, _ form: ConsoleForm, _ actor: OperatorActions.Operator) async throws -> Response
    ) async throws -> Response {
        try await page(request, context) { caller, _ in
            let form = try await ConsoleForm.read(request)
            guard session.isValidCSRF(form["csrf"], for: caller) else {
                context.logger.notice("console form refused: no valid csrf token", metadata: ["user_id": "\(caller.userID)"])
                return errorPage(
                    .forbidden, "Form refused", "This form did not come from this console session. Reload the page and try again.", caller: caller)
            }
            let actor = OperatorActions.Operator(userID: caller.userID, via: .console, address: clientIP(request, context))
            return try await body(caller, form, actor)
        }
    }

    func chrome(_ section: PageChrome.Section?, _ title: String, _ caller: Caller, csrf: String, request: Request) -> PageChrome {
        .signedIn(section, title: title, operator: caller, csrf: csrf, notice: ConsoleNotice.of(request.uri.queryParameters.get("notice")))
    }

    func errorPage(_ error: AppError, caller: Caller) -> Response {
        let heading = error.status == .notFound ? "Not found" : "Not done"
        return errorPage(error.status, heading, error.message, caller: caller)
    }

    func errorPage(
        _ status: HTTPResponse.Status, _ heading: String, _ message: String, caller: Caller? = nil, signIn: Bool = false
    )
        -> Response
    {
        let chrome =
            caller.map { PageChrome.signedIn(nil, title: heading, operator: $0, csrf: session.csrfToken(for: $0), notice: nil) }
            ?? .signedOut(title: heading)
        return renderer.response(ErrorPage(chrome: chrome, heading: heading, message: message, signInLink: signIn), status: status)
    }

    func secure(_ request: Request, _ context: AppRequestContext) -> Bool {
        session.isSecure(request, peer: context.peerAddress)
    }

    func clientIP(_ request: Request, _ context: AppRequestContext) -> String {
        ClientAddress.resolve(peer: context.peerAddress, forwardedFor: request.headers[.xForwardedFor], trustedProxies: trustedProxies)
    }

    // MARK: Sign-in

    @Sendable func loginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        if case .signedIn = await session.state(of: request, logger: context.logger) { return .redirect(to: "/console", type: .normal) }
        let notice = ConsoleNotice.of(request.uri.queryParameters.get("notice"))
        return login(LoginPage(chrome: .signedOut(title: "Sign in", notice: notice), formToken: session.newFormToken()), request, context)
    }

    /// Renders the sign-in page and (re)sets the form cookie its token must match.
    private func login(_ model: LoginPage, status: HTTPResponse.Status = .ok, _ request: Request, _ context: AppRequestContext) -> Response {
        var response = renderer.response(model, status: status)
        response.setCookie(session.formCookie(model.formToken, secure: secure(request, context)))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func sendCode(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await ConsoleForm.read(request)
        var model = LoginPage(chrome: .signedOut(title: "Sign in"), formToken: session.newFormToken(), phone: form["phone"] ?? "")
        guard session.isValidFormToken(form["csrf"], in: request) else {
            model.error = "The sign-in form had expired. Try again."
            return login(model, status: .forbidden, request, context)
        }
        do {
            let phone = try PhoneNumber(parsing: form.text("phone") ?? "")
            let market = try markets.market(for: phone)
            let network = NetworkKey.of(clientIP(request, context), ipv6PrefixLength: ipv6PrefixLength)
            model.verificationID = try await codes.send(to: phone, market: market, network: network, logger: context.logger).verificationID
            model.maskedPhone = phone.masked
            return login(model, request, context)
        } catch let error as AppError {
            model.error =
                if case .challengeRequired = error.kind {
                    "This number has to pass a sign-in check first: sign in once from the app, then try again here."
                } else if let wait = error.retryAfter {
                    "\(error.message) Try again in \(wait) s."
                } else {
                    error.message
                }
            return login(model, status: error.status, request, context)
        }
    }

    @Sendable func verifyCode(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await ConsoleForm.read(request)
        let id = form["verification_id"] ?? ""
        var model = LoginPage(chrome: .signedOut(title: "Sign in"), formToken: session.newFormToken())
        guard session.isValidFormToken(form["csrf"], in: request) else {
            model.error = "The sign-in form had expired. Try again."
            return login(model, status: .forbidden, request, context)
        }
        guard VerificationID.isWellFormed(id) else {
            model.error = "Start again: send a code to your phone."
            return login(model, status: .badRequest, request, context)
        }
        model.verificationID = id
        do {
            let grant = try await sessions.signIn(
                .id(hash: VerificationID.hash(id)), code: form.text("code") ?? "",
                network: NetworkKey.of(clientIP(request, context), ipv6PrefixLength: ipv6PrefixLength),
                userAgent: request.headers[.userAgent], ip: clientIP(request, context), logger: context.logger)
            let caller = try await session.resolver.resolve(bearer: grant.pair.accessToken, logger: context.logger)
            guard caller.user.role == UserRole.admin.rawValue else {
                try await sessions.logOut(caller, scope: .local, logger: context.logger)
                context.logger.notice("console sign-in refused: not an admin", metadata: ["user_id": "\(caller.userID)"])
                return errorPage(.forbidden, "Not an operator", "Only users with the admin role can use the console.", signIn: true)
            }
            context.logger.notice("console sign-in", metadata: ["user_id": "\(caller.userID)"])
            var response = Response.redirect(to: "/console", type: .normal)
            for cookie in session.cookies(for: grant.pair, secure: secure(request, context)) { response.setCookie(cookie) }
            return response
        } catch let error as AppError {
            model.error = error.message
            if case .invalidCode(let remaining?) = error.kind, remaining == 0 { model.verificationID = nil }
            if [.tooManyAttempts, .notFound].contains(error.kind) { model.verificationID = nil }
            return login(model, status: error.status, request, context)
        }
    }
}
