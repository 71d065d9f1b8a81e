import Foundation

/// The rules for names people give things; for now, identity store names.
enum Names {
    /// Identity store names go into URL paths, so they are kept to a safe alphabet.
    static func isValidStoreName(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}
