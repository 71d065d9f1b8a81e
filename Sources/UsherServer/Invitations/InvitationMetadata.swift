import UsherCore

/// Where an invitation's "Basic Information" sits among its metadata. Two shapes are read, so
/// that a client written to either API prefills the sign-up form:
///
/// - Usher's flat one: `{"givenName": "Ada", "familyName": "Lovelace"}`;
/// - Strivacity's attribute objects (its API types every metadata value as an object):
///   `{"name": {"givenName": "Ada", "familyName": "Lovelace"}}`, and likewise an attribute inside
///   any object (`{"contact": {"phoneNumber": "+36 1 234 5678"}}`) or an attribute's own object
///   holding a `value` (`{"phoneNumber": {"value": "+36 1 234 5678"}}`).
///
/// The metadata itself is stored and answered as it was sent; only the profile is derived.
enum InvitationMetadata {
    /// A profile attribute found in the metadata, with the path it was found at.
    struct Found: Equatable {
        var attribute: ProfileAttribute
        var path: String
        var value: JSONValue
    }

    /// Every attribute's value, at most one each: a flat key wins over a nested one, and among
    /// nested ones the first object key in alphabetical order wins, so the answer never depends
    /// on the order a client wrote its keys in.
    static func attributes(in metadata: [String: JSONValue]) -> [Found] {
        var found: [Found] = []
        for attribute in ProfileAttribute.allCases {
            if let v = metadata[attribute.rawValue], !v.isObject {
                found.append(Found(attribute: attribute, path: attribute.rawValue, value: v))
                continue
            }
            for key in metadata.keys.sorted() {
                guard case .object(let object)? = metadata[key] else { continue }
                if let v = object[attribute.rawValue] {
                    found.append(Found(attribute: attribute, path: "\(key).\(attribute.rawValue)", value: v))
                    break
                }
                if key == attribute.rawValue, let v = object["value"] {
                    found.append(Found(attribute: attribute, path: "\(key).value", value: v))
                    break
                }
            }
        }
        return found
    }

    /// The one check of an invitation's metadata, on create and on edit: each profile
    /// attribute, flat or nested, is a string (or null) within the profile's rules.
    static func checkProfile(_ metadata: [String: JSONValue], into sink: FieldErrorSink) {
        var profile = Profile()
        for found in attributes(in: metadata) {
            guard case .string(let s) = found.value else {
                if found.value != .null { sink.add("metadata.\(found.path)", "must be a string") }
                continue
            }
            profile[found.attribute] = s
        }
        var validator = Validator()
        profile.validate(into: &validator, prefix: "metadata.")
        for e in validator.errors { sink.add(e.field, e.message) }
    }

    /// The prefilled profile: the attributes that are strings.
    static func profile(from metadata: [String: JSONValue]) -> Profile {
        var p = Profile()
        for f in attributes(in: metadata) {
            if case .string(let s) = f.value { p[f.attribute] = s }
        }
        return p.normalized
    }
}

extension JSONValue {
    var isObject: Bool {
        if case .object = self { return true }
        return false
    }
}
