/// A field's 公开范围 in the national spec's tables: 社会公开 (anyone the dataset is shared with)
/// or 政务公开 (government use only).
public enum FieldDisclosure: String, Codable, Sendable, Hashable {
    /// 社会公开.
    case `public`
    /// 政务公开.
    case government
}
