import Fluent
import Foundation
import UsherCore

/// A row an identity store holds under a name unique in that store (a group, a role, an
/// organization). Listing them, finding one by id in its store and saving one with its audit
/// row work the same way for each, so they are written once here, in the words of the API:
/// a 404 names the noun (`group.notFound`), a name taken is 409 with the resource's own key.
protocol StoreNamedModel: Model where IDValue == UUID {
    /// The resource's word in 404s and audit rows: `group`.
    static var noun: String { get }
    static var storeField: KeyPath<Self, FieldProperty<Self, String>> { get }
    static var nameField: KeyPath<Self, FieldProperty<Self, String>> { get }
    var store: String { get }
    var name: String { get }
    /// The 409 when another one of the store already has this one's name (a unique index).
    var nameTaken: UsherError { get }
}

extension StoreNamedModel {
    /// One page of a store's rows by name (only the one named `name` when it is given) and
    /// how many there are in all. An unknown store is 404.
    static func page(in store: String, named name: String?, page: PageRequest, on db: any Database) async throws -> (
        items: [Self], total: Int
    ) {
        _ = try await IdentityStoreService(db: db).require(store)
        let query = Self.query(on: db).filter(storeField == store)
        if let name { query.filter(nameField == name) }
        let total = try await query.count()
        let items = try await query.sort(nameField).range(page.offset..<(page.offset + page.size)).all()
        return (items, total)
    }

    /// Every row of a store, by name (the console's pickers).
    static func all(in store: String, on db: any Database) async throws -> [Self] {
        try await Self.query(on: db).filter(storeField == store).sort(nameField).all()
    }

    /// The row `id` names in `store`; 404 for an id that is not one of that store's.
    static func require(_ id: String, in store: String, on db: any Database) async throws -> Self {
        let row = try await require(id, noun: noun, on: db)
        guard row.store == store else { throw UsherError.notFound(noun, id) }
        return row
    }

    /// Creates or updates the row and writes its audit row, in one transaction. Another row of
    /// the store with the same name (the unique index says so) is `nameTaken`, nothing written.
    func save(auditing action: AuditAction, details: [String: String]? = nil, by actor: Actor, on db: any Database) async throws {
        do {
            try await db.write { tx in
                try await self.save(on: tx)
                try await Audit.record(
                    on: tx, actor: actor, action: action, store: self.store, targetType: Self.noun, targetId: self.requireID().idString,
                    details: details ?? ["name": self.name])
            }
        } catch let error where error.isConstraintViolation {
            throw nameTaken
        }
    }
}
