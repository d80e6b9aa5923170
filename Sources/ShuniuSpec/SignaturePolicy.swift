/// What a dataset asks of a record's detached signature (`signature:` in its file).
///
/// ```yaml
/// signature: {required: true, signerFields: [TENDERER_CODE, TENDER_AGENCY_CODE]}
/// ```
/// `signerFields`: when given, the signer certificate's holder code must equal the value of one of
/// these fields (the tenderer or its agency signs the tender project, not anyone else).
public struct SignaturePolicy: Codable, Sendable, Hashable {
    public var required: Bool
    public var signerFields: [String]

    enum CodingKeys: String, CodingKey { case required, signerFields }

    public init(required: Bool = false, signerFields: [String] = []) {
        self.required = required
        self.signerFields = signerFields
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        required = try container.decodeIfPresent(Bool.self, forKey: .required) ?? false
        signerFields = try container.decodeIfPresent([String].self, forKey: .signerFields) ?? []
    }
}
