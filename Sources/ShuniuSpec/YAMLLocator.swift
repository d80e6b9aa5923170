import Yams

/// Finds the line of a value in a YAML document from a decoding path, for diagnostics.
public enum YAMLLocator {
    public static func line(in root: Node, at path: [any CodingKey]) -> Int? {
        var node = root
        var line = root.mark?.line
        for key in path {
            if let index = key.intValue, let sequence = node.sequence, index < sequence.count {
                node = sequence[index]
            } else if let mapping = node.mapping, let child = mapping[key.stringValue] {
                node = child
            } else {
                break
            }
            line = node.mark?.line ?? line
        }
        return line
    }

    /// A readable message for a decoding error, without Swift type names where avoidable.
    public static func message(for error: DecodingError) -> (path: [any CodingKey], message: String) {
        switch error {
        case .keyNotFound(let key, let context):
            return (context.codingPath, "missing key '\(key.stringValue)'")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let where_ = context.codingPath.map(\.stringValue).joined(separator: ".")
            return (context.codingPath, "\(where_.isEmpty ? "" : "'\(where_)': ")\(context.debugDescription)")
        @unknown default:
            return ([], "\(error)")
        }
    }
}
