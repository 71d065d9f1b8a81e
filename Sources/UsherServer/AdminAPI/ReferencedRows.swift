import Fluent
import Foundation
import UsherCore

extension Model where IDValue == UUID {
    /// The rows a request names by id (`groups: [{id}]`, `externalLoginProviders: [{id}]`), each
    /// once, in the order named. Ids that name no row are one 404 (`errorKey`) with a field error
    /// for each (SPEC rule 3: 404 for ids that do not exist); an id that is not a UUID names
    /// nothing, as one no row has. `scope` narrows the rows that count (a role of this store).
    static func requireAll(
        _ ids: [String], field: String, noun: String, plural: String, errorKey: ErrorKey, on db: any Database,
        scope: (QueryBuilder<Self>) -> QueryBuilder<Self> = { $0 }
    ) async throws -> [Self] {
        let uuids = ids.compactMap(UUID.init(uuidString:))
        let found = uuids.isEmpty ? [] : try await scope(query(on: db).filter(\._$id ~~ uuids)).all()
        let byId = Dictionary(found.map { ($0.id!, $0) }, uniquingKeysWith: { first, _ in first })
        var rows: [Self] = []
        var missing: [FieldError] = []
        for (i, id) in ids.enumerated() {
            guard let uuid = UUID(uuidString: id), let row = byId[uuid] else {
                missing.append(FieldError("\(field)[\(i)].id", "no \(noun) with this id exists"))
                continue
            }
            if !rows.contains(where: { $0.id == uuid }) { rows.append(row) }
        }
        guard missing.isEmpty else {
            throw UsherError(
                status: 404, errorKey: errorKey, title: "Not found",
                detail: "Some \(plural) do not exist: \(missing.map(\.field).joined(separator: ", ")).", fieldErrors: missing)
        }
        return rows
    }
}
