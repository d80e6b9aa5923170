import Foundation
import ShuniuSimulation
import ShuniuTesting
import ShuniuTransport
import ShuniuTrust
import Testing

/// The simulated provincial receiver over real HTTP: what later tests push the hub's `ggzy-v4`
/// format to must itself say yes and no as the receiver does.
@Suite("Simulated provincial receiver (数据规范4.0 UploadData_G_V4)")
struct SimulatedProvincialReceiverTests {
    static let systemNo = "9120"
    static let secret = "k3Y!pq7Z"
    static let platformCode = "913501007051234567"
    static let otherSystem = SimulatedProvincialReceiver.System(systemNo: "9121", secret: "Zq8#mn2W", platformCodes: ["913501007059999999"])

    /// A receiver knowing this hub's system and one other, on the repository's spec.
    func startReceiver() async throws -> SimulatedProvincialReceiver {
        let ours = SimulatedProvincialReceiver.System(systemNo: Self.systemNo, secret: Self.secret, platformCodes: [Self.platformCode])
        return await SimulatedProvincialReceiver.start(systems: [ours, Self.otherSystem], spec: try RepositoryPaths.loadedSpec())
    }

    /// A DATA_KEY of PROJECT (500) for `system`: SYSTEM_NO + 500 + a 15-digit serial.
    static func key(_ serial: Int, system: String = systemNo) -> String {
        system + "500" + String(format: "%015d", serial)
    }

    /// A PROJECT record that passes every check, with its CONTEXT trailer.
    static func project(_ serial: Int, name: String? = nil) -> [(String, String)] {
        [
            ("PROJECT_CODE", String(format: "E35010000%08d", serial)), ("PROJECT_NAME", name ?? "福州市第\(serial)中学教学楼工程"),
            ("REGION_CODE", "350100"), ("RELATE_CODE", "1"), ("ADDRESS", "福州市鼓楼区"), ("LEGAL_PERSON", "福州市教育局"),
            ("CLASS_VER_CODE", "1"), ("INDUSTRIES_TYPE", "E47"), ("FUND_SOURCE", "财政资金"), ("CONTRIBUTION_SCALE", "财政100%"),
            ("PROJECT_SCALE", "建筑面积12000平方米"),
            ("CONTACTOR", "林工"), ("CONTACT_INFORMATION", "0591-87654321"), ("APPROVAL_NAME", "关于教学楼工程的批复"),
            ("CREATE_TIME", "20261201093000"),
            ("PLATFORM_CODE", platformCode), ("PUB_SERVICE_PLAT_CODE", "913501007050000001"), ("DATA_TIMESTAMP", "20261206080000"),
            ("TRADE_PLAT", "35010000001"), ("PUB_SERVICE_PLAT", "35000000001"),
        ]
    }

    /// The `data` XML of one call; nil CONTEXT leaves the element out.
    static func data(dataType: String, dataKey: String, dataNo: String = "500", dataEN: String = "PROJECT", routeWay: String? = "1",
                     context: [(String, String)]?) -> String {
        var title = "<DATA_NO>\(dataNo)</DATA_NO><DATA_EN>\(dataEN)</DATA_EN><DATA_CN>项目</DATA_CN><DATA_TYPE>\(dataType)</DATA_TYPE>"
            + "<DATA_KEY>\(dataKey)</DATA_KEY><CA_KEY>CA-0001</CA_KEY>"
        if let routeWay { title += "<ROUTE_WAY>\(routeWay)</ROUTE_WAY>" }
        let body = context.map { fields in "<CONTEXT>" + fields.map { "<\($0.0)>\(escape($0.1))</\($0.0)>" }.joined() + "</CONTEXT>" } ?? ""
        return "<DES><TITLE>\(title)</TITLE>\(body)</DES>"
    }

    static func validation(systemNo: String = systemNo, secret: String = secret, at time: Date = Date()) throws -> String {
        let token = try ProvincialReceiverToken.make(systemNo: systemNo, secret: secret, at: time)
        return "<DATA><TOKEN>\(token)</TOKEN><SYSTEM_NO>\(systemNo)</SYSTEM_NO></DATA>"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A SOAP 1.1 envelope calling UploadData_G_V4 with both parameters escaped as text.
    static func envelope(validation: String, data: String) -> String {
        #"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>"#
            + #"<UploadData_G_V4 xmlns="http://tempuri.org/"><validation>\#(escape(validation))</validation><data>\#(escape(data))</data>"#
            + "</UploadData_G_V4></soap:Body></soap:Envelope>"
    }

    /// Posts `body` as a SOAP 1.1 call; the HTTP answer.
    static func post(_ receiver: SimulatedProvincialReceiver, _ body: String, soapAction: String? = SimulatedProvincialReceiver.soapAction,
                     timeout: Int = 30) async throws -> ReceivedResponse {
        try await post(receiver, bytes: Array(body.utf8), soapAction: soapAction, timeout: timeout)
    }

    static func post(_ receiver: SimulatedProvincialReceiver, bytes: [UInt8], contentType: String = "text/xml; charset=utf-8",
                     soapAction: String? = SimulatedProvincialReceiver.soapAction, timeout: Int = 30) async throws -> ReceivedResponse {
        var headers = [(name: "Content-Type", value: contentType)]
        if let soapAction { headers.append((name: "SOAPAction", value: "\"\(soapAction)\"")) }
        return try await CurlHTTPClient().send(OutgoingRequest(method: "POST", url: receiver.url, headers: headers, body: bytes, timeoutSeconds: timeout))
    }

    /// Sends one call and reads the JSON answer out of `UploadData_G_V4Result`: STATUS and MSG.
    static func upload(_ receiver: SimulatedProvincialReceiver, validation: String? = nil, data: String) async throws -> [String: String] {
        let response = try await post(receiver, envelope(validation: try validation ?? Self.validation(), data: data))
        #expect(response.status == 200, "\(response.bodyText)")
        let text = response.bodyText
        let start = try #require(text.range(of: "<UploadData_G_V4Result>"))
        let end = try #require(text.range(of: "</UploadData_G_V4Result>"))
        let json = String(text[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        return try JSONDecoder().decode([String: String].self, from: Data(json.utf8))
    }

    static func expectRefused(_ answer: [String: String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(answer["STATUS"] == "-1", "\(answer)", sourceLocation: sourceLocation)
        #expect(answer["MSG"]?.contains(message) == true, "MSG \(answer["MSG"] ?? "none") does not say \(message)", sourceLocation: sourceLocation)
    }

    @Test("Insert, update and delete: the receiver ends holding the latest state, and logs every call")
    func insertUpdateDelete() async throws {
        let receiver = try await startReceiver()
        let key = Self.key(1)
        #expect(try await Self.upload(receiver, data: Self.data(dataType: "1", dataKey: key, context: Self.project(1))) == ["STATUS": "1"])
        #expect(receiver.records(dataNo: "500")[key]?["PROJECT_NAME"] == "福州市第1中学教学楼工程")
        #expect(receiver.source(dataNo: "500", dataKey: key) == Self.systemNo)

        // An update replaces the columns present; an empty one becomes null.
        #expect(receiver.records(dataNo: "500")[key]?["CONTRIBUTION_SCALE"] == "财政100%")
        var changed = Self.project(1, name: "福州市第1中学教学楼改扩建工程").filter { $0.0 != "CONTRIBUTION_SCALE" }
        changed.append(("APPROVAL_NUMBER", "榕发改〔2026〕12号"))
        changed.append(("CONTRIBUTION_SCALE", ""))
        #expect(try await Self.upload(receiver, data: Self.data(dataType: "2", dataKey: key, routeWay: nil, context: changed)) == ["STATUS": "1"])
        let updated = try #require(receiver.records(dataNo: "500")[key])
        #expect(updated["PROJECT_NAME"] == "福州市第1中学教学楼改扩建工程" && updated["APPROVAL_NUMBER"] == "榕发改〔2026〕12号")
        #expect(updated["CONTRIBUTION_SCALE"] == nil && updated["PLATFORM_CODE"] == Self.platformCode)

        let other = Self.key(2)
        #expect(try await Self.upload(receiver, data: Self.data(dataType: "1", dataKey: other, context: Self.project(2))) == ["STATUS": "1"])
        // A delete needs no CONTEXT.
        #expect(try await Self.upload(receiver, data: Self.data(dataType: "3", dataKey: key, routeWay: nil, context: nil)) == ["STATUS": "1"])
        #expect(Set(receiver.records(dataNo: "500").keys) == [other])

        let calls = receiver.calls
        #expect(calls.map(\.dataType) == ["1", "2", "1", "3"])
        #expect(calls.map(\.dataKey) == [key, key, other, key])
        #expect(calls.allSatisfy { $0.outcome == .accepted && $0.dataNo == "500" && $0.systemNo == Self.systemNo })
        try await receiver.stop()
    }

    @Test("A bad, expired or unknown system's token is refused first, and nothing is stored")
    func tokenRefusals() async throws {
        let receiver = try await startReceiver()
        let data = Self.data(dataType: "1", dataKey: Self.key(1), context: Self.project(1))
        Self.expectRefused(try await Self.upload(receiver, validation: Self.validation(secret: "wrong123"), data: data), "TOKEN验证失败")
        Self.expectRefused(try await Self.upload(receiver, validation: Self.validation(at: Date().addingTimeInterval(-13 * 3600)), data: data), "TOKEN已过期")
        Self.expectRefused(try await Self.upload(receiver, validation: Self.validation(at: Date().addingTimeInterval(13 * 3600)), data: data), "TOKEN已过期")
        Self.expectRefused(try await Self.upload(receiver, validation: Self.validation(systemNo: "9999"), data: data), "系统编号9999不存在")
        // Within the window on either side is fine.
        #expect(try await Self.upload(receiver, validation: Self.validation(at: Date().addingTimeInterval(-11 * 3600)), data: data) == ["STATUS": "1"])
        #expect(receiver.records(dataNo: "500").count == 1)
        #expect(receiver.calls.prefix(4).allSatisfy { if case .refused = $0.outcome { $0.systemNo == nil } else { false } })
        try await receiver.stop()
    }

    @Test("TITLE refusals name what is wrong: DATA_EN, DATA_KEY's form, an existing or unknown key, another system's key")
    func titleRefusals() async throws {
        let receiver = try await startReceiver()
        let key = Self.key(1)
        #expect(try await Self.upload(receiver, data: Self.data(dataType: "1", dataKey: key, context: Self.project(1)))["STATUS"] == "1")

        Self.expectRefused(try await Self.upload(receiver, data: Self.data(dataType: "1", dataKey: Self.key(2), dataEN: "TENDER_PROJECT", context: Self.project(2))),
                           "DATA_EN(TENDER_PROJECT)与DATA_NO(500)的表名PROJECT不一致")
        Self.expectRefused(try await Self.upload(receiver, data: Self.data(dataType: "1", dataKey: String(Self.key(2).dropLast()), context: Self.project(2))),
                           "长度必须为22位")
        Self.expectRefused(try await Self.upload(receiver, data: Self.data(dataType: "1", dataKey: Self.key(2, system: "9121"), context: Self.project(2))),
                           "前4位必须为系统编号9120")
        Self.expectRefused(try await Self.upload(receiver, data: Self.data(dataType: "1", dataKey: "9120501" + String(format: "%015d", 2), context: Self.project(2))),
                           "第5位起必须为数据编号DATA_NO(500)")
        Self.expectRefused(try await Self.upload(receiver, data: Self.data(dataType: "4", dataKey: Self.key(2), context: Self.project(2))), "DATA_TYPE(4)无效")
        Self.expectRefused(try await Self.upload(receiver, data: Self.data(dataType: "1", dataKey: Self.key(2), routeWay: nil, context: Self.project(2))),
                           "ROUTE_WAY不能为空")
        Self.expectRefused(try await Self.upload(receiver, data: Self.data(dataType: "1", dataKey: key, context: Self.project(1))), "DATA_KEY \(key) 已存在")
        Self.expectRefused(try await Self.upload(receiver, data: Self.data(dataType: "2", dataKey: Self.key(3), context: Self.project(3))),
                           "DATA_KEY \(Self.key(3)) 不存在")
        Self.expectRefused(try await Self.upload(receiver, data: Self.data(dataType: "3", dataKey: Self.key(3), context: nil)), "不存在")
        // Another system may neither change nor delete this system's record.
        let theirs = try Self.validation(systemNo: "9121", secret: Self.otherSystem.secret)
        var foreign = Self.project(1)
        foreign[foreign.firstIndex { $0.0 == "PLATFORM_CODE" }!].1 = "913501007059999999"
        Self.expectRefused(try await Self.upload(receiver, validation: theirs, data: Self.data(dataType: "2", dataKey: key, context: foreign)),
                           "DATA_KEY \(key) 不是系统9121报送的数据")
        Self.expectRefused(try await Self.upload(receiver, validation: theirs, data: Self.data(dataType: "3", dataKey: key, context: nil)), "不是系统9121报送的数据")

        #expect(Set(receiver.records(dataNo: "500").keys) == [key])
        #expect(receiver.records(dataNo: "500")[key]?["PROJECT_NAME"] == "福州市第1中学教学楼工程")
        try await receiver.stop()
    }

    @Test("CONTEXT refusals: a missing trailer, an unregistered platform, a required field absent or empty, too long, a wrong fixed length, a bad time")
    func contextRefusals() async throws {
        let receiver = try await startReceiver()
        func upload(_ context: [(String, String)]?) async throws -> [String: String] {
            try await Self.upload(receiver, data: Self.data(dataType: "1", dataKey: Self.key(1), context: context))
        }
        func project(setting field: String, to value: String?) -> [(String, String)] {
            var context = Self.project(1).filter { $0.0 != field }
            if let value { context.append((field, value)) }
            return context
        }
        Self.expectRefused(try await upload(nil), "缺少CONTEXT节点")
        Self.expectRefused(try await upload(project(setting: "PLATFORM_CODE", to: nil)), "字段PLATFORM_CODE(交易系统标识码)不能为空")
        Self.expectRefused(try await upload(project(setting: "TRADE_PLAT", to: nil)), "字段TRADE_PLAT(交易平台或发布工具标识码)不能为空")
        Self.expectRefused(try await upload(project(setting: "DATA_TIMESTAMP", to: "2026-12-06")), "字段DATA_TIMESTAMP(数据时间戳)格式必须为yyyyMMddHHmmss")
        Self.expectRefused(try await upload(project(setting: "PLATFORM_CODE", to: "913501007059999999")), "PLATFORM_CODE(913501007059999999)未在系统9120中登记")
        Self.expectRefused(try await upload(project(setting: "PROJECT_NAME", to: nil)), "字段PROJECT_NAME(项目名称)不能为空")
        // An empty value is null.
        Self.expectRefused(try await upload(project(setting: "PROJECT_NAME", to: "  ")), "字段PROJECT_NAME(项目名称)不能为空")
        // 301 characters outside the BMP are 602 UTF-16 units: over 600 though only 301 characters.
        Self.expectRefused(try await upload(project(setting: "PROJECT_NAME", to: String(repeating: "𠀀", count: 301))), "字段PROJECT_NAME(项目名称)长度不能超过600位")
        // A fixed length applies to each ';'-separated part.
        Self.expectRefused(try await upload(project(setting: "INDUSTRIES_TYPE", to: "E47;E4")), "字段INDUSTRIES_TYPE(项目行业分类)长度必须为3位")
        Self.expectRefused(try await upload(project(setting: "CREATE_TIME", to: "20261301093000")), "字段CREATE_TIME(项目建立时间)格式必须为yyyyMMddHHmmss")
        #expect(receiver.records(dataNo: "500").isEmpty)
        // Parts of the right length pass; 300 such characters are exactly 600 units.
        #expect(try await upload(project(setting: "INDUSTRIES_TYPE", to: "E47;E48")) == ["STATUS": "1"])
        #expect(try await Self.upload(receiver, data: Self.data(dataType: "2", dataKey: Self.key(1), context: project(setting: "PROJECT_NAME", to: String(repeating: "𠀀", count: 300)))) == ["STATUS": "1"])
        try await receiver.stop()
    }

    @Test("An insert repeating the RepeatCols of a stored record is refused, naming its DATA_KEY; an update is not checked")
    func repeatColumns() async throws {
        let receiver = try await startReceiver()
        #expect(try await Self.upload(receiver, data: Self.data(dataType: "1", dataKey: Self.key(1), context: Self.project(1)))["STATUS"] == "1")
        // Same PROJECT_NAME, LEGAL_PERSON, INDUSTRIES_TYPE and CONTACTOR under another key and code.
        var twin = Self.project(2, name: "福州市第1中学教学楼工程")
        Self.expectRefused(try await Self.upload(receiver, data: Self.data(dataType: "1", dataKey: Self.key(2), context: twin)), "数据重复：与DATA_KEY为\(Self.key(1))的数据")
        twin[twin.firstIndex { $0.0 == "CONTACTOR" }!].1 = "陈工"
        #expect(try await Self.upload(receiver, data: Self.data(dataType: "1", dataKey: Self.key(2), context: twin))["STATUS"] == "1")
        // An update may make the two equal again: RepeatCols is an insert's check only.
        twin[twin.firstIndex { $0.0 == "CONTACTOR" }!].1 = "林工"
        #expect(try await Self.upload(receiver, data: Self.data(dataType: "2", dataKey: Self.key(2), context: twin))["STATUS"] == "1")
        #expect(receiver.records(dataNo: "500").count == 2 && receiver.records(dataNo: "500")[Self.key(2)]?["CONTACTOR"] == "林工")
        try await receiver.stop()
    }

    @Test("Only the first problem is answered, in the receiver's order: token, TITLE, trailer, fields, RepeatCols")
    func firstProblemOnly() async throws {
        let receiver = try await startReceiver()
        #expect(try await Self.upload(receiver, data: Self.data(dataType: "1", dataKey: Self.key(1), context: Self.project(1)))["STATUS"] == "1")
        // A second record with every kind of problem at once, mended one at a time.
        var context = Self.project(2, name: "福州市第1中学教学楼工程").filter { !["PLATFORM_CODE", "ADDRESS", "PROJECT_CODE"].contains($0.0) }
        func upload(dataEN: String = "PROJECT", validation: String? = nil) async throws -> [String: String] {
            try await Self.upload(receiver, validation: validation, data: Self.data(dataType: "1", dataKey: Self.key(2), dataEN: dataEN, context: context))
        }
        Self.expectRefused(try await upload(dataEN: "SECTION", validation: Self.validation(secret: "wrong123")), "TOKEN验证失败")
        Self.expectRefused(try await upload(dataEN: "SECTION"), "DATA_EN(SECTION)")
        Self.expectRefused(try await upload(), "字段PLATFORM_CODE(交易系统标识码)不能为空")
        context.append(("PLATFORM_CODE", Self.platformCode))
        // The dataset's fields in the spec's order: PROJECT_CODE comes before ADDRESS.
        Self.expectRefused(try await upload(), "字段PROJECT_CODE(项目编号)不能为空")
        context.append(("PROJECT_CODE", "E3501000000000002"))
        Self.expectRefused(try await upload(), "字段ADDRESS(项目地址)不能为空")
        context.append(("ADDRESS", "福州市台江区"))
        Self.expectRefused(try await upload(), "数据重复：与DATA_KEY为\(Self.key(1))的数据")
        #expect(receiver.calls.map(\.outcome).filter { $0 != .accepted }.count == 6)
        #expect(receiver.records(dataNo: "500").count == 1)
        try await receiver.stop()
    }

    @Test("A GB 18030 call, declared in its XML or in its Content-Type's charset, reads as its UTF-8 twin")
    func gb18030() async throws {
        let receiver = try await startReceiver()
        let folder = try TemporaryDirectory(prefix: "shuniu-gb18030")
        defer { folder.remove() }
        func gb18030(_ text: String) async throws -> [UInt8] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: folder.file("utf8.xml")))
            let (status, said) = try await ChildProcess.run("/usr/bin/env", ["iconv", "-f", "UTF-8", "-t", "GB18030", folder.file("utf8.xml"), "-o", folder.file("gb.xml")])
            #expect(status == 0, "iconv: \(said)")
            return Array(try Data(contentsOf: URL(fileURLWithPath: folder.file("gb.xml"))))
        }
        let declared = Self.envelope(validation: try Self.validation(), data: Self.data(dataType: "1", dataKey: Self.key(1), context: Self.project(1)))
            .replacingOccurrences(of: #"encoding="utf-8""#, with: #"encoding="GB18030""#)
        let first = try await Self.post(receiver, bytes: try await gb18030(declared), contentType: "text/xml")
        #expect(first.status == 200 && first.bodyText.contains(#"{"STATUS":"1"}"#), "\(first.bodyText)")
        let undeclared = Self.envelope(validation: try Self.validation(), data: Self.data(dataType: "1", dataKey: Self.key(2), context: Self.project(2)))
            .replacingOccurrences(of: #"<?xml version="1.0" encoding="utf-8"?>"#, with: "")
        let second = try await Self.post(receiver, bytes: try await gb18030(undeclared), contentType: "text/xml; charset=GB18030")
        #expect(second.status == 200 && second.bodyText.contains(#"{"STATUS":"1"}"#), "\(second.bodyText)")
        #expect(receiver.records(dataNo: "500")[Self.key(1)]?["PROJECT_NAME"] == "福州市第1中学教学楼工程")
        #expect(receiver.records(dataNo: "500")[Self.key(2)]?["LEGAL_PERSON"] == "福州市教育局")
        try await receiver.stop()
    }

    @Test("Behaviours on command: HTTP 500 with a Fault, 503, the next calls refused with a message, a hang")
    func behaviours() async throws {
        let receiver = try await startReceiver()
        let body = Self.envelope(validation: try Self.validation(), data: Self.data(dataType: "1", dataKey: Self.key(1), context: Self.project(1)))
        receiver.behave(.status(503))
        #expect(try await Self.post(receiver, body).status == 503)
        receiver.behave(.status(500))
        let fault = try await Self.post(receiver, body)
        #expect(fault.status == 500 && fault.bodyText.contains("<soap:Fault>"))
        receiver.behave(.refuseNext(2, message: "系统繁忙，请稍后再试"))
        Self.expectRefused(try await Self.upload(receiver, data: Self.data(dataType: "1", dataKey: Self.key(1), context: Self.project(1))), "系统繁忙")
        Self.expectRefused(try await Self.upload(receiver, data: Self.data(dataType: "1", dataKey: Self.key(1), context: Self.project(1))), "系统繁忙")
        #expect(receiver.records(dataNo: "500").isEmpty)
        #expect(try await Self.upload(receiver, data: Self.data(dataType: "1", dataKey: Self.key(1), context: Self.project(1))) == ["STATUS": "1"])
        #expect(receiver.calls.map(\.outcome) == [.status(503), .status(500), .refused("系统繁忙，请稍后再试"), .refused("系统繁忙，请稍后再试"), .accepted])
        // A call refused on command is still logged with its TITLE.
        #expect(receiver.calls[2].dataKey == Self.key(1) && receiver.calls[2].dataType == "1" && receiver.calls[2].dataNo == "500")

        // A hung call outlasts its sender's timeout, and is still applied afterwards, as a real
        // receiver may: the sender's retry then finds the key there.
        receiver.behave(.hang(.seconds(2)))
        let late = Self.envelope(validation: try Self.validation(), data: Self.data(dataType: "1", dataKey: Self.key(2), context: Self.project(2)))
        await #expect(throws: TransportError.self) { try await Self.post(receiver, late, timeout: 1) }
        receiver.behave(.accept)
        #expect(await eventually { receiver.records(dataNo: "500")[Self.key(2)] != nil })
        Self.expectRefused(try await Self.upload(receiver, data: Self.data(dataType: "1", dataKey: Self.key(2), context: Self.project(2))), "已存在")
        try await receiver.stop()
    }

    @Test("A request that is not a SOAP 1.1 UploadData_G_V4 call gets HTTP 500 with a SOAP Fault")
    func faults() async throws {
        let receiver = try await startReceiver()
        let body = Self.envelope(validation: try Self.validation(), data: Self.data(dataType: "1", dataKey: Self.key(1), context: Self.project(1)))
        let noAction = try await Self.post(receiver, body, soapAction: nil)
        #expect(noAction.status == 500 && noAction.bodyText.contains("<faultstring>Server did not recognize the value of HTTP Header SOAPAction"))
        let broken = try await Self.post(receiver, "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>")
        #expect(broken.status == 500 && broken.bodyText.contains("<soap:Fault>"))
        let otherOperation = body.replacingOccurrences(of: "UploadData_G_V4", with: "UploadData_G_V3")
        #expect(try await Self.post(receiver, otherOperation).status == 500)
        let otherNamespace = body.replacingOccurrences(of: "http://tempuri.org/", with: "http://example.org/")
        #expect(try await Self.post(receiver, otherNamespace).status == 500)
        let missingData = body.replacingOccurrences(of: "<data>", with: "<payload>").replacingOccurrences(of: "</data>", with: "</payload>")
        #expect(try await Self.post(receiver, missingData).bodyText.contains("validation and data"))
        let json = try await Self.post(receiver, bytes: Array(body.utf8), contentType: "application/json")
        #expect(json.status == 415 && json.bodyText.contains("text/xml"))
        #expect(receiver.records(dataNo: "500").isEmpty)
        #expect(receiver.calls.allSatisfy { if case .fault = $0.outcome { true } else { false } })
        try await receiver.stop()
    }
}
