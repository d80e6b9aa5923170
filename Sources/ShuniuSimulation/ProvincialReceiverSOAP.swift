import ShuniuCore
import ShuniuMapping

/// The SOAP 1.1 side of the provincial receiver: an ASP.NET ASMX service at
/// `/Services/DataService.asmx` whose one operation, `UploadData_G_V4` in `http://tempuri.org/`,
/// takes two string parameters (`validation`, `data`, each XML text escaped inside the body) and
/// answers a string (a JSON text). As ASMX does, a SOAP 1.1 call is `text/xml` (else HTTP 415)
/// and names its operation in the `SOAPAction` header too (`"http://tempuri.org/UploadData_G_V4"`),
/// and a call it cannot read is answered HTTP 500 with a SOAP Fault.
enum ProvincialReceiverSOAP {
    static let path = "/Services/DataService.asmx"
    static let envelopeNamespace = "http://schemas.xmlsoap.org/soap/envelope/"
    static let serviceNamespace = "http://tempuri.org/"
    static let operation = "UploadData_G_V4"
    static let soapAction = serviceNamespace + operation

    /// The two parameters of one call.
    struct Call {
        var validation: String
        var data: String
    }

    /// Why a request is not a call: answered with a SOAP Fault.
    struct Fault: Error {
        /// `soap:Client` (the request's fault) or `soap:Server`.
        var code: String
        var message: String
    }

    /// The media type ASMX takes a SOAP 1.1 call in; another is answered 415.
    static let mediaType = "text/xml"

    /// Whether `contentType` is `text/xml`, whatever its parameters.
    static func acceptsMediaType(_ contentType: String?) -> Bool {
        contentType?.split(separator: ";").first.map { String($0).trimmedWhitespace.lowercased() } == mediaType
    }

    /// The call in `body`, sent with `soapAction` (the header's value, quotes allowed) and
    /// `contentType`, whose `charset` (UTF-8 or GB 18030) reads a body that declares none.
    static func read(_ body: [UInt8], soapAction header: String?, contentType: String?) throws(Fault) -> Call {
        let action = header?.trimmedWhitespace.trimmingQuotes
        guard action == soapAction else {
            throw Fault(code: "soap:Client", message: "Server did not recognize the value of HTTP Header SOAPAction: \(action ?? "").")
        }
        let charset = contentType?.split(separator: ";").dropFirst().compactMap { parameter -> String? in
            let parts = parameter.split(separator: "=", maxSplits: 1).map { String($0).trimmedWhitespace }
            return parts.count == 2 && parts[0].lowercased() == "charset" ? parts[1].trimmingQuotes : nil
        }.first
        guard let encoding = charset.map(PayloadEncoding.init(name:)) ?? .utf8 else {
            throw Fault(code: "soap:Client", message: "Server was unable to read request: charset \(charset ?? "") is not supported.")
        }
        guard let (name, envelope) = ProvincialReceiverXML.root(document: body, encoding: encoding) else {
            throw Fault(code: "soap:Client", message: "Server was unable to read request. ---> There is an error in XML document.")
        }
        let (prefix, local) = ProvincialReceiverXML.Element.split(name)
        guard local == "Envelope", envelope.namespaces[prefix ?? ""] == envelopeNamespace else {
            throw Fault(code: "soap:VersionMismatch", message: "Possible SOAP version mismatch: the root is not a SOAP 1.1 Envelope (\(envelopeNamespace)).")
        }
        guard let bodyElement = envelope.child("Body", namespace: envelopeNamespace),
              let call = bodyElement.child(operation, namespace: serviceNamespace) else {
            throw Fault(code: "soap:Client", message: "Server did not recognize the request element: the Body holds no \(operation) in \(serviceNamespace).")
        }
        guard let validation = call.child("validation", namespace: serviceNamespace)?.text,
              let data = call.child("data", namespace: serviceNamespace)?.text else {
            throw Fault(code: "soap:Client", message: "Server was unable to read request: \(operation) needs the string parameters validation and data (in \(serviceNamespace)).")
        }
        return Call(validation: validation, data: data)
    }

    /// The envelope answering a call with `result` (the JSON text).
    static func response(_ result: String) -> String {
        envelope("<\(operation)Response xmlns=\"\(serviceNamespace)\"><\(operation)Result>\(ProvincialReceiverXML.escaped(result))</\(operation)Result></\(operation)Response>")
    }

    /// The envelope of a SOAP Fault.
    static func fault(_ fault: Fault) -> String {
        envelope("<soap:Fault><faultcode>\(fault.code)</faultcode><faultstring>\(ProvincialReceiverXML.escaped(fault.message))</faultstring><detail /></soap:Fault>")
    }

    private static func envelope(_ body: String) -> String {
        #"<?xml version="1.0" encoding="utf-8"?>"#
            + #"<soap:Envelope xmlns:soap="\#(envelopeNamespace)" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">"#
            + "<soap:Body>\(body)</soap:Body></soap:Envelope>"
    }
}

private extension String {
    /// Without one pair of surrounding double quotes (`SOAPAction: "…"`).
    var trimmingQuotes: String {
        guard count >= 2, hasPrefix("\""), hasSuffix("\"") else { return self }
        return String(dropFirst().dropLast())
    }
}
