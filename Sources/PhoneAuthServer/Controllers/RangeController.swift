import Foundation
import Hummingbird
import PhoneAuthCore

/// Operator endpoints for number ranges (`/admin/ranges`): how they stand, and blocks by hand. Behind the same
/// admin check as every `/admin` route.
struct RangeController: Sendable {
    let controls: RangeControls
    let actions: OperatorActions
    let trustedProxies: Set<String>

    struct BlockRequest: Decodable {
        var reason: String
    }

    struct RangeList: ResponseEncodable {
        var ranges: [RangeControls.Summary]
        var blocks: [RangeBlock]
    }

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("ranges", use: list)
        group.get("ranges/:range", use: show)
        group.put("ranges/:range/block", use: block)
        group.delete("ranges/:range/block", use: unblock)
    }

    /// `?limit=` ranges (1 to 500, default 50), busiest first, and every block in force.
    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> RangeList {
        let limit = Int(try request.queryNumber("limit", in: 1...500) ?? 50)
        return RangeList(ranges: try await controls.busiest(limit: limit), blocks: try await controls.blocks())
    }

    /// One range, also one nothing was sent to yet.
    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> RangeControls.Summary {
        try await controls.summary(of: try context.parameters.require("range"))
    }

    @Sendable func block(_ request: Request, context: AuthenticatedContext) async throws -> RangeBlock {
        var request = request
        let body = try await request.decodeJSON(as: BlockRequest.self)
        let block = try await actions.blockRange(
            try context.parameters.require("range"), reason: body.reason, by: .api(request, context, trustedProxies: trustedProxies))
        context.logger.notice("admin blocked range", metadata: ["admin": "\(context.caller.userID)", "range": "\(block.prefix)"])
        return block
    }

    @Sendable func unblock(_ request: Request, context: AuthenticatedContext) async throws -> HTTPResponse.Status {
        let range = try context.parameters.require("range")
        guard try await actions.unblockRange(range, by: .api(request, context, trustedProxies: trustedProxies)) else {
            throw AppError.notFound
        }
        context.logger.notice("admin unblocked range", metadata: ["admin": "\(context.caller.userID)", "range": "\(range)"])
        return .noContent
    }
}

extension RangeBlock: ResponseEncodable {}
extension RangeControls.Summary: ResponseEncodable {}
