import Fluent
import Foundation
import SQLKit

extension GroupService {
    /// How many accounts each group has, in one query for a page of groups (a list that left
    /// the count out showed every group with 0 members).
    func memberCounts(_ ids: [UUID]) async throws -> [UUID: Int] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await db.sql.select().column("group_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(MembershipModel.schema).where("group_id", .in, ids).groupBy("group_id").all()
        var counts: [UUID: Int] = [:]
        for row in rows { counts[try row.decode(column: "group_id", as: UUID.self)] = try row.decode(column: "n", as: Int.self) }
        return counts
    }
}
