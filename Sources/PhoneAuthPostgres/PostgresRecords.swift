import Foundation
import PhoneAuthCore
import PostgresNIO

/// Rows to plain records. Queries select `*` (or `RETURNING *`), so every column named here is present.
extension User {
    init(row: PostgresRandomAccessRow) throws {
        self.init(
            id: try row["id"].decode(Int64.self), phoneNumber: try row["phone_number"].decode(String.self),
            fullName: try row["full_name"].decode(String?.self), profileImageURL: try row["profile_image_url"].decode(String?.self),
            isActive: try row["is_active"].decode(Bool.self), isVerified: try row["is_verified"].decode(Bool.self),
            lastLogin: try row["last_login"].decode(Date?.self), market: try row["market"].decode(String.self),
            language: try row["language"].decode(String.self), country: try row["country"].decode(String.self),
            createdAt: try row["created_at"].decode(Date.self), updatedAt: try row["updated_at"].decode(Date.self),
            tokensValidAfter: try row["tokens_valid_after"].decode(Date?.self), role: try row["role"].decode(String.self),
            forceLogoutAfter: try row["force_logout_after"].decode(Date?.self),
            permissionsUpdatedAt: try row["permissions_updated_at"].decode(Date?.self),
            disabledAt: try row["disabled_at"].decode(Date?.self), disabledReason: try row["disabled_reason"].decode(String?.self),
            deletedAt: try row["deleted_at"].decode(Date?.self), detachedAt: try row["detached_at"].decode(Date?.self))
    }
}

extension UserSession {
    init(row: PostgresRandomAccessRow) throws {
        self.init(
            id: try row["id"].decode(String.self), userID: try row["user_id"].decode(Int64.self),
            refreshTokenHash: try row["refresh_token_hash"].decode(ByteBuffer.self).data,
            previousRefreshHash: try row["previous_refresh_hash"].decode(ByteBuffer?.self)?.data,
            rotatedAt: try row["rotated_at"].decode(Date?.self), gracePayload: try row["grace_payload"].decode(ByteBuffer?.self)?.data,
            createdAt: try row["created_at"].decode(Date.self), expiresAt: try row["expires_at"].decode(Date.self),
            absoluteExpiresAt: try row["absolute_expires_at"].decode(Date.self), lastActivityAt: try row["last_activity_at"].decode(Date.self),
            isActive: try row["is_active"].decode(Bool.self), userAgent: try row["user_agent"].decode(String?.self),
            ip: try row["ip"].decode(String?.self), revokedAt: try row["revoked_at"].decode(Date?.self))
    }
}

extension Verification {
    init(row: PostgresRandomAccessRow) throws {
        self.init(
            id: try row["id"].decode(Int64.self), idHash: try row["id_hash"].decode(ByteBuffer.self).data,
            phoneNumber: try row["phone_number"].decode(String.self), codeHash: try row["code_hash"].decode(ByteBuffer.self).data,
            idAttempts: try row["id_attempts"].decode(Int.self), phoneAttempts: try row["phone_attempts"].decode(Int.self),
            expiresAt: try row["expires_at"].decode(Date.self), createdAt: try row["created_at"].decode(Date.self))
        simSwap = try row["sim_swap"].decode(String?.self)
        recycled = try row["recycled"].decode(Bool?.self)
    }
}

extension Address {
    init(row: PostgresRandomAccessRow) throws {
        self.init(
            id: try row["id"].decode(Int64.self), userID: try row["user_id"].decode(Int64.self), label: try row["label"].decode(String?.self),
            line1: try row["line1"].decode(String.self), line2: try row["line2"].decode(String?.self), city: try row["city"].decode(String.self),
            region: try row["region"].decode(String?.self), postalCode: try row["postal_code"].decode(String?.self),
            country: try row["country"].decode(String.self), createdAt: try row["created_at"].decode(Date.self),
            updatedAt: try row["updated_at"].decode(Date.self))
    }
}

extension ByteBuffer {
    /// `bytea` columns arrive as buffers; the records hold `Data`.
    var data: Data { Data(readableBytesView) }
}

extension Data {
    /// Binds as `bytea`.
    var bytea: ByteBuffer { ByteBuffer(bytes: self) }
}
