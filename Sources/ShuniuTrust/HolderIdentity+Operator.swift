extension HolderIdentity {
    /// Why this holder may not sign for a platform whose operator has `operatorCode`
    /// (统一社会信用代码), or nil when it may: an organization whose credit code is that code, or
    /// whose 组织机构代码 is the one embedded in it (characters 9–17), as older CAs still encode it.
    public func mismatch(operatorCode: String?) -> String? {
        guard kind == .organization else {
            return "the certificate is a person's (\(name), \(codeType.rawValue)); only the operator organization's certificate may sign for a platform"
        }
        guard let operatorCode else {
            return "the platform has no operator code (统一社会信用代码) set; set it with shuniu platforms set-operator-code"
        }
        switch codeType {
        case .creditCode where code == operatorCode:
            return nil
        case .organizationCode where operatorCode.count == 18 && code == String(operatorCode.dropFirst(8).prefix(9)):
            return nil
        default:
            return "the certificate's holder is \(name) (\(codeType.rawValue) \(code)), not the platform's operator \(operatorCode)"
        }
    }
}
