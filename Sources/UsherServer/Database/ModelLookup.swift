import Fluent
import Foundation
import UsherCore

extension Model where IDValue == UUID {
    /// The row `id` names, or 404 `<noun>.notFound`. An id that is not a UUID names nothing, as
    /// one no row has: the answer is the same, never a 400 that tells them apart.
    static func require(_ id: String, noun: String, on db: any Database) async throws -> Self {
        guard let uuid = UUID(uuidString: id), let row = try await find(uuid, on: db) else { throw UsherError.notFound(noun, id) }
        return row
    }
}
