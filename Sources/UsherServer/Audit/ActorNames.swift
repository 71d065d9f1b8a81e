import Fluent
import Foundation

/// Who an audit name ("administrator:<id>", "apiClient:<id>", …) is, as a person reads it: an
/// administrator's or customer's email, an API client's name. A name that no longer resolves
/// (the client or account was deleted) stays as stored, so the log never loses who it was.
enum ActorNames {
    /// The actor behind `auditName` and what it is called, or nil when it no longer exists.
    static func lookup(_ auditName: String, on db: any Database) async throws -> (kind: Actor.Kind, name: String)? {
        let parts = auditName.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let kind = Actor.Kind(rawValue: parts[0]) else { return nil }
        let id = parts[1]
        switch kind {
        case .administrator:
            guard let uuid = UUID(uuidString: id), let admin = try await AdministratorModel.find(uuid, on: db) else { return nil }
            return (kind, admin.email)
        case .apiClient:
            guard let client = try await APIClientModel.find(id, on: db) else { return nil }
            return (kind, client.name)
        case .customer:
            guard let uuid = UUID(uuidString: id), let account = try await AccountModel.find(uuid, on: db),
                let shown = account.email ?? account.username
            else { return nil }
            return (kind, shown)
        case .system:
            return (kind, Actor.system.displayName)
        }
    }

    /// The audit log's names: each with what it is, e.g. "ann@example.com (administrator)".
    static func resolve(_ auditNames: Set<String>, on db: any Database) async throws -> [String: String] {
        var names: [String: String] = [:]
        for auditName in auditNames {
            guard let (kind, name) = try await lookup(auditName, on: db) else { continue }
            switch kind {
            case .administrator: names[auditName] = "\(name) (administrator)"
            case .apiClient: names[auditName] = "\(name) (API client)"
            case .customer: names[auditName] = "\(name) (customer)"
            case .system: names[auditName] = name
            }
        }
        return names
    }

    /// The name the invitation email gives for who invited: an administrator's email, an API
    /// client's name; "Usher" for anyone else.
    static func inviter(_ createdBy: String, on db: any Database) async throws -> String {
        switch try await lookup(createdBy, on: db) {
        case (.administrator, let name)?, (.apiClient, let name)?: return name
        default: return "Usher"
        }
    }
}
