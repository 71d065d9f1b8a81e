import Fluent
import Foundation

/// Who an audit name ("administrator:<id>", "apiClient:<id>", …) is, as a person reads it: an
/// administrator's or customer's email, an API client's name. A name that no longer resolves
/// (the client or account was deleted) stays as stored, so the log never loses who it was.
enum ActorNames {
    static func resolve(_ auditNames: Set<String>, on db: any Database) async throws -> [String: String] {
        var names: [String: String] = [:]
        for auditName in auditNames {
            let parts = auditName.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = Actor.Kind(rawValue: parts[0]) else { continue }
            let id = parts[1]
            switch kind {
            case .administrator:
                if let uuid = UUID(uuidString: id), let admin = try await AdministratorModel.find(uuid, on: db) {
                    names[auditName] = "\(admin.email) (administrator)"
                }
            case .apiClient:
                if let client = try await APIClientModel.find(id, on: db) { names[auditName] = "\(client.name) (API client)" }
            case .customer:
                if let uuid = UUID(uuidString: id), let account = try await AccountModel.find(uuid, on: db),
                    let shown = account.email ?? account.username
                {
                    names[auditName] = "\(shown) (customer)"
                }
            case .system:
                names[auditName] = Actor.system.displayName
            }
        }
        return names
    }
}
