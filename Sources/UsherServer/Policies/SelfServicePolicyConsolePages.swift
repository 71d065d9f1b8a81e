import Fluent
import Foundation
import UsherCore
import Vapor

/// The console's self-service policies page: every policy's options, and saving them.
extension ConsoleRoutes {
    func policies(_ req: Request) async throws -> Response {
        let all = try await SelfServicePolicyModel.query(on: req.db).sort(\.$name).all()
        let c = PoliciesConsolePage(
            policies: all.map { p in
                let o = p.invitationOptions
                return .init(
                    id: p.id!.idString, name: p.name, enabled: o.enabled, allowEmailMismatch: o.allowEmailMismatch,
                    forceUsingExternalLogin: o.forceUsingExternalLogin, linkMaxAgeHours: o.linkMaxAgeHours,
                    requireVerifiedEmail: p.requireVerifiedEmail ?? false,
                    fields: ProfileAttribute.allCases.map { a in
                        .init(
                            name: a.rawValue, label: a.label,
                            modes: FieldMode.allCases.map { .init(mode: $0.rawValue, selected: p.fields[a] == $0) })
                    })
            })
        return page(req, "console/policies", "Self-service policies", c, section: "policies")
    }

    func savePolicy(_ req: Request) async throws -> Response {
        let form = ConsoleForm.fields(of: req)
        var fields: [String: JSONValue] = [:]
        for a in ProfileAttribute.allCases { if let m = form["field_" + a.rawValue] { fields[a.rawValue] = .string(m) } }
        let options: JSONValue = .object([
            "accountInvitation": .object([
                "enabled": .bool(form["enabled"] == "on"), "allowEmailMismatch": .bool(form["allowEmailMismatch"] == "on"),
                "forceUsingExternalLogin": .bool(form["forceUsingExternalLogin"] == "on"),
                "linkMaxAgeHours": .number(Double(form["linkMaxAgeHours"] ?? "") ?? 0),
            ]),
            "registration": .object([
                "fields": .object(fields), "requireVerifiedEmail": .bool(form["requireVerifiedEmail"] == "on"),
            ]),
        ])
        let service = SelfServicePolicyService(db: req.db)
        do {
            if let id = form["id"], !id.isEmpty {
                _ = try await service.update(id, reader: JSONObjectReader(["options": options]), by: try req.consoleActor)
            } else {
                _ = try await service.create(
                    reader: JSONObjectReader(["name": .string(form["name"] ?? ""), "options": options]), by: try req.consoleActor)
            }
        } catch let error as UsherError where error.status < 500 {
            throw UsherError(
                status: error.status, errorKey: error.errorKey, title: "The policy was not saved",
                detail: ConsoleForm.refusal(error))
        }
        return Response.seeOther("/admin/policies?notice=policySaved")
    }
}

/// `console/policies`: every self-service policy with its invitation options and field modes.
struct PoliciesConsolePage {
    struct Policy {
        var id: String
        var name: String
        var enabled: Bool
        var allowEmailMismatch: Bool
        var forceUsingExternalLogin: Bool
        var linkMaxAgeHours: Int
        /// `options.registration.requireVerifiedEmail` (issue 23).
        var requireVerifiedEmail: Bool
        var fields: [Field]
    }

    /// A profile field and the modes it can take, the policy's own one selected.
    struct Field {
        var name: String
        var label: String
        var modes: [Mode]
    }

    struct Mode {
        var mode: String
        var selected: Bool
    }

    var policies: [Policy]
}
