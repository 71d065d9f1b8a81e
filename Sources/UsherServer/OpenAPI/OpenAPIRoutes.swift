import Foundation
import Vapor

/// `GET /openapi.json`: the document above, with this server's public URL.
struct OpenAPIRoutes: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("openapi.json") { req -> Response in
            let document = OpenAPIDocument.build(serverURL: req.usher.config.publicURL)
            let data = try JSONSerialization.data(
                withJSONObject: document, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            let response = Response(status: .ok, body: .init(data: data))
            response.headers.contentType = .json
            response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
            return response
        }
    }
}
