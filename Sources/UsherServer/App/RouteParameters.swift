import Foundation
import UsherCore
import Vapor

/// Typed path parameters: a route reads `:id` as the type it means, and a value of the wrong
/// shape is the caller's mistake (400, naming the parameter), not a resource that is missing
/// (404, the service's answer once the id is well-formed) and never a crash.
extension Request {
    /// The path parameter `name` as `T`.
    func parameter<T: LosslessStringConvertible>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let value = T(try rawParameter(name)) else {
            throw Self.malformedParameter(name, "is not a valid \(T.self)")
        }
        return value
    }

    /// The path parameter `name` as a UUID, the shape of every id Usher hands out for accounts,
    /// groups, applications, policies and invitations.
    func uuidParameter(_ name: String) throws -> UUID {
        guard let id = UUID(uuidString: try rawParameter(name)) else {
            throw Self.malformedParameter(name, "must be a UUID")
        }
        return id
    }

    /// The path parameter `name` as an opaque id, for the invitation API: Strivacity declares
    /// its ids as plain strings and only 404 for an id that names nothing, so a client written to
    /// its document must not meet a 400 for an id of another shape.
    func opaqueIdParameter(_ name: String) throws -> String { try rawParameter(name) }

    /// The identity store named in the path (`:store`): store names keep to the alphabet that
    /// stores are created with, so anything else cannot name one.
    func storeName(_ name: String = "store") throws -> String {
        let raw = try rawParameter(name)
        guard Names.isValidStoreName(raw) else {
            throw Self.malformedParameter(name, "may hold only letters, digits, '-' and '_' (at most 64)")
        }
        return raw
    }

    private func rawParameter(_ name: String) throws -> String {
        // A route that names a parameter always receives it; its absence is a routing mistake.
        guard let raw = parameters.get(name) else {
            throw Self.malformedParameter(name, "is missing")
        }
        return raw
    }

    private static func malformedParameter(_ name: String, _ problem: String) -> UsherError {
        UsherError.badRequest(
            .requestInvalidPath, "The path parameter '\(name)' \(problem).",
            fieldErrors: [FieldError(name, problem)])
    }
}

extension UUID {
    /// Ids are shown in lower case, the way most JSON APIs print UUIDs.
    var idString: String { uuidString.lowercased() }
}
