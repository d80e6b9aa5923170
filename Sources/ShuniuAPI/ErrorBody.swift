/// The JSON body of a refused request: `{"error": {"code": "…", "message": "…"}}`.
struct ErrorBody: Codable, Sendable {
    struct Detail: Codable, Sendable {
        var code: String
        var message: String
    }

    var error: Detail

    init(code: String, message: String) {
        error = Detail(code: code, message: message)
    }
}
