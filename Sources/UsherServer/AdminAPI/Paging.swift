import Foundation
import UsherCore
import Vapor

/// Page-based listing in the Strivacity style: `page` from 0, `size` (default 20, at most 200),
/// and the total in the `X-Total-Count` header.
struct PageRequest: Sendable {
    static let maxSize = 200

    var page: Int
    var size: Int
    var offset: Int { page * size }

    /// A `size` above the maximum is clamped to it, as Spring Data does (Strivacity's API is a
    /// Spring one, and its clients ask for `size=1000` expecting the largest page, not an error).
    static func from(_ request: Request) throws -> PageRequest {
        PageRequest(
            page: try request.queryInt("page", default: 0, range: 0...1_000_000),
            size: min(try request.queryInt("size", default: 20, range: 1...Int(Int32.max)), maxSize))
    }
}

struct SortOrder: Sendable, Equatable {
    var field: String
    var ascending: Bool

    /// Reads every `sort` parameter, in order, Spring Data's way: `sort=field`, `sort=field,desc`,
    /// or `sort=a,b,desc` (the direction applies to each field before it). Every one is checked
    /// against `allowed`; a field named twice counts once, where it first appears.
    static func all(_ request: Request, allowed: [String], default def: [SortOrder]) throws -> [SortOrder] {
        let raws = (URLComponents(string: request.url.string)?.queryItems ?? []).filter { $0.name == "sort" }.compactMap(\.value)
        var orders: [SortOrder] = []
        for raw in raws where !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            var parts = raw.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            var ascending = true
            if parts.count > 1, let last = parts.last?.lowercased(), last == "asc" || last == "desc" {
                ascending = last == "asc"
                parts.removeLast()
            }
            for field in parts {
                guard allowed.contains(field) else {
                    throw UsherError.badRequest(
                        .requestInvalidQuery,
                        "sort must name one of \(allowed.joined(separator: ", ")), optionally followed by ,asc or ,desc; '\(field)' is not one.",
                        fieldErrors: [FieldError("sort", "unknown sort field '\(field)'")])
                }
                if !orders.contains(where: { $0.field == field }) { orders.append(SortOrder(field: field, ascending: ascending)) }
            }
        }
        return orders.isEmpty ? def : orders
    }
}

/// A listed page: the items, and how many there are in all — or nil when there are more than
/// `countCap`, where counting them on every page would cost more than the page itself.
struct Listing<Item: Content>: Sendable {
    static var countCap: Int { 10_000 }

    var items: [Item]
    var total: Int?
    /// Known from one row fetched past the page; otherwise worked out from the total.
    var knownHasNext: Bool?
    /// Where the next page starts, for lists that page by keyset (`after=`).
    var nextCursor: String?
    /// This page was asked for by cursor: the next link carries `after`, not a page number.
    var pagedByCursor = false

    init(items: [Item], total: Int?, hasNext: Bool? = nil) {
        self.items = items
        self.total = total
        self.knownHasNext = hasNext
    }

    func hasNext(after page: PageRequest) -> Bool {
        if let knownHasNext { return knownHasNext }
        guard let total else { return false }
        return page.page < max(0, (total - 1) / page.size)
    }

    /// `X-Total-Count` when the total is known (`X-Total-Count-At-Least` when it is above the
    /// cap), and RFC 8288 `Link` headers to the next and previous pages.
    func response(for request: Request, page: PageRequest) throws -> Response {
        let response = Response(status: .ok)
        try response.content.encode(items, as: .json)
        if let total {
            response.headers.replaceOrAdd(name: "X-Total-Count", value: String(total))
        } else {
            response.headers.replaceOrAdd(name: "X-Total-Count-At-Least", value: String(Self.countCap + 1))
        }
        if let nextCursor { response.headers.replaceOrAdd(name: "X-Next-Cursor", value: nextCursor) }
        var links: [String] = []
        var components = URLComponents(string: request.url.string) ?? URLComponents()
        func link(_ name: String, _ value: String, _ rel: String) {
            var items = (components.queryItems ?? []).filter { $0.name != name }
            items.append(URLQueryItem(name: name, value: value))
            components.queryItems = items
            links.append("<\(components.string ?? "")>; rel=\"\(rel)\"")
        }
        // A client that pages by cursor keeps doing so; one that pages by number keeps numbers.
        if pagedByCursor {
            if let nextCursor { link("after", nextCursor, "next") }
        } else {
            if hasNext(after: page) { link("page", String(page.page + 1), "next") }
            if page.page > 0 { link("page", String(page.page - 1), "prev") }
        }
        if !links.isEmpty { response.headers.replaceOrAdd(name: "Link", value: links.joined(separator: ", ")) }
        return response
    }
}
