import Vapor

/// A reference to another resource in an answer: its id, and its name where people read it.
struct IdName: Content, Equatable {
    var id: String
    var name: String
}

/// A reference by id alone, as requests name groups (`groups: [{id}]`).
struct IdOnly: Content, Equatable {
    var id: String
}
