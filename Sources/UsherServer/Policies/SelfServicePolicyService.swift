import Fluent
import Foundation
import UsherCore
import Vapor

struct SelfServicePolicyView: Content, Equatable, Identifiable {
    struct Options: Content, Equatable {
        var accountInvitation: AccountInvitationOptions
        var registration: Registration
    }

    struct Registration: Content, Equatable {
        var fields: [String: String]
        /// true: an account whose email is not verified may not sign in to the application.
        var requireVerifiedEmail: Bool
    }

    var id: String
    var name: String
    var options: Options
    var created: Date
}

extension SelfServicePolicyModel {
    var invitationOptions: AccountInvitationOptions {
        let defaults = AccountInvitationOptions()
        return AccountInvitationOptions(
            enabled: invitationEnabled, allowEmailMismatch: allowEmailMismatch,
            forceUsingExternalLogin: forceUsingExternalLogin, linkMaxAgeHours: linkMaxAgeHours,
            reminderHoursBeforeExpiry: reminderHours.flatMap { JSONText.decode([Int].self, $0) } ?? defaults.reminderHoursBeforeExpiry,
            notifyInviterOnExpiry: notifyInviterOnExpiry ?? defaults.notifyInviterOnExpiry)
    }

    var fields: RegistrationFields {
        let raw = JSONText.decode([String: String].self, registrationFields) ?? [:]
        var modes: [ProfileAttribute: FieldMode] = [:]
        for (k, v) in raw { if let a = ProfileAttribute(rawValue: k), let m = FieldMode(rawValue: v) { modes[a] = m } }
        return RegistrationFields(modes)
    }

    func apply(_ options: AccountInvitationOptions, _ fields: RegistrationFields) {
        invitationEnabled = options.enabled
        allowEmailMismatch = options.allowEmailMismatch
        forceUsingExternalLogin = options.forceUsingExternalLogin
        linkMaxAgeHours = options.linkMaxAgeHours
        reminderHours = JSONText.encode(options.reminderHoursBeforeExpiry)
        notifyInviterOnExpiry = options.notifyInviterOnExpiry
        registrationFields = JSONText.encode(fields.asDictionary)
    }
}

/// Self-service policies: how invitations and the sign-up form behave for an application.
struct SelfServicePolicyService: ServerResourceService {
    let db: any Database

    static let defaultName = "Default"

    static func view(_ p: SelfServicePolicyModel) -> SelfServicePolicyView {
        SelfServicePolicyView(
            id: p.id!.idString, name: p.name,
            options: .init(
                accountInvitation: p.invitationOptions,
                registration: .init(fields: p.fields.asDictionary, requireVerifiedEmail: p.requireVerifiedEmail ?? false)),
            created: p.createdAt)
    }

    func require(_ id: String) async throws -> SelfServicePolicyModel {
        try await SelfServicePolicyModel.require(id, noun: "selfServicePolicy", on: db)
    }

    func list(page: PageRequest) async throws -> Listing<SelfServicePolicyView> {
        let total = try await SelfServicePolicyModel.query(on: db).count()
        let items = try await SelfServicePolicyModel.query(on: db).sort(\.$name).range(page.offset..<(page.offset + page.size)).all()
        return Listing(items: items.map(Self.view), total: total)
    }

    func get(_ id: String) async throws -> SelfServicePolicyView { Self.view(try await require(id)) }

    /// Reads `options` over `base`: fields left out keep their value (the defaults, on create).
    static func readOptions(
        _ r: JSONObjectReader, base: AccountInvitationOptions, fields: RegistrationFields, requireVerifiedEmail: inout Bool
    ) -> (AccountInvitationOptions, RegistrationFields) {
        var options = base
        var fields = fields
        if let o = r.object("options") {
            if let ai = o.object("accountInvitation") {
                if let v = ai.bool("enabled") { options.enabled = v }
                if let v = ai.bool("allowEmailMismatch") { options.allowEmailMismatch = v }
                if let v = ai.bool("forceUsingExternalLogin") { options.forceUsingExternalLogin = v }
                if let v = ai.int("linkMaxAgeHours", range: AccountInvitationOptions.linkMaxAgeRange) { options.linkMaxAgeHours = v }
                if let items = ai.array("reminderHoursBeforeExpiry", maxCount: AccountInvitationOptions.maxReminders) {
                    var hours: [Int] = []
                    for (i, item) in items.enumerated() {
                        guard case .number(let n) = item, n == n.rounded(), AccountInvitationOptions.reminderHoursRange.contains(Int(n))
                        else {
                            r.sink.add(ai.field("reminderHoursBeforeExpiry") + "[\(i)]", "must be a whole number of hours from 1 to 720")
                            continue
                        }
                        hours.append(Int(n))
                    }
                    options.reminderHoursBeforeExpiry = Array(Set(hours)).sorted(by: >)
                }
                if let v = ai.bool("notifyInviterOnExpiry") { options.notifyInviterOnExpiry = v }
                ai.finish()
            }
            if let reg = o.object("registration") {
                if let v = reg.bool("requireVerifiedEmail") { requireVerifiedEmail = v }
                if let f = reg.object("fields") {
                    var raw: [String: String] = [:]
                    for (k, v) in f.values {
                        _ = f.raw(k)
                        guard case .string(let s) = v else {
                            r.sink.add(f.field(k), "must be one of hidden, editable, readOnly, required")
                            continue
                        }
                        raw[k] = s
                    }
                    var validator = Validator()
                    let parsed = RegistrationFields.parse(raw, into: &validator, prefix: f.path + ".")
                    for e in validator.errors { r.sink.add(e.field, e.message) }
                    fields = RegistrationFields(fields.modes.merging(parsed.modes.filter { raw[$0.key.rawValue] != nil }) { _, n in n })
                    f.finish()
                }
                reg.finish()
            }
            o.finish()
        }
        return (options, fields)
    }

    func create(reader r: JSONObjectReader, by actor: Actor) async throws -> SelfServicePolicyView {
        let name = r.string("name", required: true, max: 100)
        var requireVerifiedEmail = false
        let (options, fields) = Self.readOptions(
            r, base: AccountInvitationOptions(), fields: RegistrationFields(), requireVerifiedEmail: &requireVerifiedEmail)
        try r.validate()
        let policy = SelfServicePolicyModel()
        policy.id = UUID()
        policy.name = name!
        policy.createdAt = Date()
        policy.apply(options, fields)
        policy.requireVerifiedEmail = requireVerifiedEmail
        do {
            try await db.write { tx in
                try await policy.create(on: tx)
                try await Audit.record(
                    on: tx, actor: actor, action: .selfServicePolicyCreated, store: nil, targetType: "selfServicePolicy",
                    targetId: policy.id!.idString, details: ["name": policy.name])
            }
        } catch let error where error.isConstraintViolation {
            throw UsherError.conflict(.selfServicePolicyExists, "A self-service policy named '\(name!)' already exists.")
        }
        return Self.view(policy)
    }

    func update(_ id: String, reader r: JSONObjectReader, by actor: Actor) async throws -> SelfServicePolicyView {
        let policy = try await require(id)
        let name = r.string("name", max: 100)
        var requireVerifiedEmail = policy.requireVerifiedEmail ?? false
        let (options, fields) = Self.readOptions(
            r, base: policy.invitationOptions, fields: policy.fields, requireVerifiedEmail: &requireVerifiedEmail)
        try r.validate()
        if let name { policy.name = name }
        policy.apply(options, fields)
        policy.requireVerifiedEmail = requireVerifiedEmail
        do {
            try await db.write { tx in
                try await policy.save(on: tx)
                try await Audit.record(
                    on: tx, actor: actor, action: .selfServicePolicyUpdated, store: nil, targetType: "selfServicePolicy", targetId: id,
                    details: ["options": JSONText.encode(options)])
            }
        } catch let error where error.isConstraintViolation {
            throw UsherError.conflict(.selfServicePolicyExists, "A self-service policy named '\(policy.name)' already exists.")
        }
        return Self.view(policy)
    }

    func delete(_ id: String, by actor: Actor) async throws {
        let policy = try await require(id)
        let users = try await ApplicationModel.query(on: db).filter(\.$policyId == policy.id!).count()
        guard users == 0 else {
            throw UsherError.conflict(.selfServicePolicyInUse, "\(users) application(s) use this policy; give them another policy first.")
        }
        try await db.write { tx in
            try await policy.delete(on: tx)
            try await Audit.record(
                on: tx, actor: actor, action: .selfServicePolicyDeleted, store: nil, targetType: "selfServicePolicy", targetId: id)
        }
    }

    /// The policy applications get when none is named: the bootstrap's "Default".
    func defaultPolicy() async throws -> SelfServicePolicyModel {
        if let p = try await SelfServicePolicyModel.query(on: db).filter(\.$name == Self.defaultName).first() { return p }
        if let p = try await SelfServicePolicyModel.query(on: db).sort(\.$createdAt).first() { return p }
        throw UsherError.badRequest(.selfServicePolicyNone, "No self-service policy exists; create one and name it in selfServicePolicyId.")
    }
}
