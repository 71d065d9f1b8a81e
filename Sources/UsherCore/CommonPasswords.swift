/// A bundled list of the passwords attackers try first (the top of the public breach
/// compilations, plus their German, French, Spanish and Hungarian staples). Compared in lower case.
enum CommonPasswords {
    static func contains(_ lowercasedPassword: String) -> Bool { list.contains(lowercasedPassword) }

    static let list: Set<String> = [
        "123456", "password", "123456789", "12345678", "12345", "qwerty", "1234567", "111111", "1234567890",
        "123123", "abc123", "1234", "password1", "iloveyou", "1q2w3e4r", "000000", "qwerty123", "zaq12wsx",
        "dragon", "sunshine", "princess", "letmein", "654321", "monkey", "27653", "1qaz2wsx", "123321",
        "qwertyuiop", "superman", "asdfghjkl", "football", "baseball", "welcome", "welcome1", "admin",
        "admin123", "administrator", "master", "michael", "shadow", "ashley", "jessica", "mustang", "666666",
        "696969", "trustno1", "batman", "access", "hello", "charlie", "donald", "freedom", "whatever", "qazwsx",
        "ninja", "azerty", "solo", "loveme", "starwars", "121212", "flower", "hottie", "passw0rd", "p@ssw0rd",
        "p@ssword", "password123", "password12", "password1234", "passwort", "passwort123", "motdepasse",
        "contrasena", "jelszo", "jelszo123", "soleil", "bonjour", "hallo", "hallo123", "geheim", "qwertz",
        "qwertz123", "123qwe", "1q2w3e", "1q2w3e4r5t", "q1w2e3r4", "q1w2e3r4t5", "asdf", "asdfgh", "asdfghjk",
        "zxcvbnm", "zxcvbn", "11111111", "00000000", "88888888", "987654321", "9876543210", "0987654321",
        "1111111111", "123456a", "123456abc", "a123456", "aa123456", "abcd1234", "abcdef", "abcdefg", "abcdefgh",
        "abc12345", "changeme", "changeme123", "secret", "secret123", "test", "test123", "testtest", "test1234",
        "guest", "guest123", "root", "toor", "default", "letmein123", "iloveyou1", "lovely", "love123",
        "loveyou", "computer", "internet", "samsung", "google", "apple", "microsoft", "windows", "linux",
        "ubuntu", "oracle", "cisco", "summer", "summer2024", "summer2025", "summer2026", "winter", "winter2025",
        "winter2026", "spring", "autumn", "january", "february", "monday", "friday", "hunter", "hunter2",
        "jordan", "jordan23", "michelle", "daniel", "thomas", "robert", "matthew", "andrew", "joshua",
        "jennifer", "amanda", "nicole", "hannah", "liverpool", "chelsea", "arsenal", "barcelona", "realmadrid",
        "juventus", "soccer", "hockey", "tennis", "golf", "yankees", "cowboys", "eagles", "tigger", "pepper",
        "ginger", "buster", "maggie", "coffee", "cookie", "chocolate", "banana", "orange", "purple", "silver",
        "golden", "diamond", "qwerty12", "qwerty1", "qwe123", "qweasd", "qweasdzxc", "1qazxsw2", "zaq1zaq1",
        "zaq1xsw2", "aaaaaa", "aaaaaaaa", "aaaaaaaaaa", "abcabc", "abc123456", "123abc", "123654", "147258369",
        "159753", "159357", "741852963", "789456", "789456123", "456789", "112233", "121314", "131313",
        "123qweasd", "1qaz2wsx3edc", "pass", "pass123", "pass1234", "passpass", "mypassword", "mypass",
        "newpassword", "yourpassword", "nopassword", "letmeinnow", "welcome123", "welcome2024", "welcome2025",
        "welcome2026", "company", "company123", "business", "office", "service", "support", "helpdesk",
        "student", "teacher", "school", "college", "university", "1password", "password!", "password1!",
        "password@123", "admin@123", "admin1234", "administrator1", "superuser", "qwertyuiop123", "asdfghjkl123",
        "zxcvbnm123", "starwars1", "pokemon", "naruto", "minecraft", "fortnite", "whatever1", "trustno11",
        "princess1", "sunshine1", "football1", "baseball1", "superman1", "batman123", "killer", "matrix",
        "merlin", "cheese",
    ]
}
