import Vapor

/// `/apiClients`: the programs that use this API (`*:config`).
struct APIClientRoutes: ServerResourceRoutes {
    static let collection = "apiClients"
    static let readScope = AdminScope.readConfig
    static let writeScope = AdminScope.writeConfig
    /// The answer holds the client's secret, shown this once.
    static let createdHoldsSecret = true

    func service(_ req: Request) -> APIClientService { APIClientService(db: req.db) }

    /// Their ids are text, not UUIDs (`api-…`, or the one the operator bootstrapped), so any
    /// `:id` is looked up and an unknown one is 404.
    static func id(_ req: Request) throws -> String { try req.parameter("id", as: String.self) }
}
