import Foundation
@testable import ShuniuDelivery
import ShuniuCore
@testable import ShuniuMapping
import ShuniuTesting
import Testing

/// Destination mapping files: loaded with every problem on its line, rendered into the
/// upstream's JSON or XML (a SOAP envelope, GB 18030), answers read into outcomes.
@Suite("Destination formats: mapping files toward upstreams")
struct DestinationFormatTests {
    static func delivery(
        id: Int64, key: String, version: Int = 1, dataset: DatasetID = "500", fields: String? = nil, flags: String? = nil, extra: String? = nil,
        dataKey: String? = nil, region: String? = "420100", operation: RecordOperation = .insert
    ) -> ClaimedDelivery {
        let normalized = fields ?? #"{"PROJECT_CODE":"\#(key)","PROJECT_NAME":"工程<一>&\"二\""}"#
        return ClaimedDelivery(id: id, attempts: 0, version: StoredVersion(
            sequence: id * 10, hubId: id + 100, dataset: dataset, businessKey: key, version: version, sourcePlatform: "E4201000001",
            regionCode: region, rawPayload: normalized, normalizedPayload: normalized, contentHash: "c0ffee\(id)", specVersion: "2.0",
            receivedAt: Date(timeIntervalSince1970: 1_780_000_000), flags: flags, extra: extra, dataKey: dataKey, operation: operation
        ))
    }

    static func load(_ text: String, file: String = "test-format.yaml") throws -> DestinationFormatFile {
        try DestinationFormatLoader.parse(text, file: file, spec: try RepositoryPaths.loadedSpec())
    }

    @Test("The shipped shuniu-json file renders a batch byte for byte as the hub's own JSON")
    func shuniuJSONIsTodaysBody() throws {
        let spec = try RepositoryPaths.loadedSpec()
        let format = try DestinationFormatLoader.load(file: RepositoryPaths.mappings + "/destinations/shuniu-json.yaml", spec: spec)
        let batch = [
            Self.delivery(id: 1, key: "A"),
            Self.delivery(id: 2, key: "B", version: 3, flags: #"[{"code":"deadline.missed", "message":"晚了"}]"#, extra: #"{"备注":"x"}"#,
                          dataKey: "DK-2", region: nil, operation: .update),
            Self.delivery(id: 3, key: "C", version: 2, operation: .delete),
        ]
        let rendering = DestinationRenderer(format: format, settings: [:], spec: spec).requests(for: batch, sendingAs: [:])
        #expect(rendering.failures.isEmpty)
        #expect(rendering.requests.count == 1)
        let request = try #require(rendering.requests.first)
        #expect(String(decoding: request.body, as: UTF8.self) == String(decoding: DeliveryBatch.body(for: batch), as: UTF8.self))
        #expect(request.headers.first { $0.name == "Content-Type" }?.value == "application/json")
        #expect(request.signed && request.deliveries.map(\.id) == [1, 2, 3])
    }

    @Test("An XML format: one record per request, a SOAP envelope carrying an XML document as text, in GB 18030, elements in the file's order")
    func soapEnvelopeInGB18030() throws {
        let format = try Self.load("""
            format: test-format
            version: "1"
            body: xml
            encoding: gb18030
            perRequest: record
            contentType: text/xml; charset=gb18030
            headers:
              SOAPAction: '"http://tempuri.org/Upload"'
            requires: [systemNo]
            request:
              soap:Envelope:
                "@xmlns:soap": http://schemas.xmlsoap.org/soap/envelope/
                soap:Body:
                  Upload:
                    "@xmlns": http://tempuri.org/
                    data:
                      document:
                        DES:
                          TITLE:
                            DATA_NO: $dataset
                            DATA_EN: $datasetName
                            DATA_TYPE: $operationCode
                            DATA_KEY: {concat: [$settings.systemNo, $dataset, {value: $hubId, transform: padZeros 15}]}
                          CONTEXT: $records
            record: $fields
            answer: {syntax: xml, unwrap: UploadResult, status: STATUS, message: MSG, outcomes: [{status: "1", is: accepted}]}
            """)
        let spec = try RepositoryPaths.loadedSpec()
        let renderer = DestinationRenderer(format: format, settings: ["systemNo": "9120"], spec: spec)
        let rendering = renderer.requests(for: [Self.delivery(id: 7, key: "P1"), Self.delivery(id: 8, key: "P2", version: 2, operation: .update)], sendingAs: [8: .insert])
        #expect(rendering.failures.isEmpty)
        #expect(rendering.requests.map { $0.deliveries.map(\.id) } == [[7], [8]])
        let first = try #require(rendering.requests.first)
        // GB 18030 bytes (not UTF-8), which read back as written.
        #expect(first.body != Array(String(decoding: first.body, as: UTF8.self).utf8))
        let text = String(decoding: try GB18030Transcoder.utf8(from: first.body), as: UTF8.self)
        #expect(text.hasPrefix(#"<?xml version="1.0" encoding="GB18030"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><Upload xmlns="http://tempuri.org/"><data>"#))
        #expect(text.contains("&lt;DES&gt;&lt;TITLE&gt;&lt;DATA_NO&gt;500&lt;/DATA_NO&gt;&lt;DATA_EN&gt;"))
        #expect(text.contains("&lt;DATA_TYPE&gt;1&lt;/DATA_TYPE&gt;&lt;DATA_KEY&gt;9120500000000000000107&lt;/DATA_KEY&gt;"))
        // The field's own markup is escaped in the inner document, and again in the envelope.
        #expect(text.contains("&lt;PROJECT_NAME&gt;工程&amp;lt;一&amp;gt;&amp;amp;\"二\"&lt;/PROJECT_NAME&gt;"))
        #expect(first.headers.map(\.name) == ["Content-Type", "SOAPAction"])
        #expect(first.operations == [7: .insert])
        #expect(rendering.requests[1].operations == [8: .insert])
        // Version 2 is an update, sent as an insert when asked (an upstream that never had it).
        #expect(String(decoding: try GB18030Transcoder.utf8(from: rendering.requests[1].body), as: UTF8.self).contains("&lt;DATA_TYPE&gt;1&lt;/DATA_TYPE&gt;"))
    }

    @Test("A value the file cannot translate leaves that record out with the reason; the others are sent")
    func untranslatableValue() throws {
        let format = try Self.load("""
            format: test-format
            version: "1"
            request: {items: $records}
            record:
              code: $key
              unit: {value: $fields.PRICE_UNIT, map: {"0": "1", "1": "2"}}
            """)
        let rendering = DestinationRenderer(format: format, settings: [:], spec: try RepositoryPaths.loadedSpec()).requests(for: [
            Self.delivery(id: 1, key: "A", fields: #"{"PRICE_UNIT":"0"}"#), Self.delivery(id: 2, key: "B", fields: #"{"PRICE_UNIT":"7"}"#),
        ], sendingAs: [:])
        #expect(rendering.requests.map { String(decoding: $0.body, as: UTF8.self) } == [#"{"items":[{"code":"A","unit":"1"}]}"#])
        #expect(rendering.failures.map(\.deliveryID) == [2])
        #expect(rendering.failures.first?.message.contains("'7' has no translation in the map at line 6") == true)
    }

    @Test("A key filled to a width it already exceeds refuses the record; a batch format's path may not name one record; $token needs a token kind")
    func fillPathAndToken() throws {
        let format = try Self.load("""
            format: test-format
            version: "1"
            perRequest: record
            request: {items: $records}
            record: {KEY: {concat: [$settings.systemNo, $dataset, $hubId], fill: 10}}
            """)
        let renderer = DestinationRenderer(format: format, settings: ["systemNo": "9120"], spec: try RepositoryPaths.loadedSpec())
        let short = renderer.requests(for: [Self.delivery(id: 1, key: "A")], sendingAs: [:])
        #expect(short.requests.map { String(decoding: $0.body, as: UTF8.self) } == [#"{"items":[{"KEY":"9120500101"}]}"#])
        let long = renderer.requests(for: [Self.delivery(id: 123_456, key: "B")], sendingAs: [:])
        #expect(long.requests.isEmpty && long.failures.first?.message.contains("is longer than 10 characters") == true, "\(long.failures)")
        for (text, message) in [
            ("format: test-format\nversion: \"1\"\npath: {concat: [/x/, $key]}\nrequest: {items: $records}\nrecord: $fields\n", "'path' names key"),
            ("format: test-format\nversion: \"1\"\nperRequest: record\nrequest: {t: $token, items: $records}\nrecord: $fields\n", "$token is named but the file gives no 'token'"),
        ] {
            do {
                _ = try Self.load(text)
                Issue.record("loaded: \(text)")
            } catch let error as DiagnosticsError {
                #expect(error.diagnostics.contains { $0.message.contains(message) }, "\(error)")
            }
        }
    }

    @Test("Problems in a file are each reported with their line")
    func problemsWithLines() throws {
        do {
            _ = try Self.load("""
                format: test-format
                version: "1"
                colour: red
                request: {key: $key}
                record:
                  a: $nonsense
                  b: {value: $fields.X, transform: shout}
                datasets:
                  "99999": {x: $key}
                answer: {outcomes: [{status: "1", is: maybe}]}
                """)
            Issue.record("a bad file loaded")
        } catch let error as DiagnosticsError {
            let lines = error.diagnostics.map { "\($0.line.map(String.init) ?? "-"): \($0.message)" }
            #expect(lines.contains { $0.hasPrefix("3: unknown key 'colour'") })
            #expect(lines.contains { $0.hasPrefix("4: 'request' must say where the records go") })
            #expect(lines.contains { $0.hasPrefix("4: 'request' names key outside $records") })
            #expect(lines.contains { $0.hasPrefix("6: 'record.a': unknown reference $nonsense") })
            #expect(lines.contains { $0.hasPrefix("7: 'record.b.transform': unknown transform 'shout'") })
            #expect(lines.contains { $0.hasPrefix("9: 'datasets': 99999 is not a dataset of the spec") })
            #expect(lines.contains { $0.hasPrefix("10: 'answer.outcomes[0].is' must be one of") })
            #expect(error.diagnostics.count == 7, "\(lines)")
        }
    }

    @Test("Answers: per-record results matched by key, and a SOAP result carrying JSON read by its status and message")
    func answers() throws {
        let spec = try RepositoryPaths.loadedSpec()
        let json = try DestinationFormatLoader.load(file: RepositoryPaths.mappings + "/destinations/shuniu-json.yaml", spec: spec)
        let batch = [Self.delivery(id: 1, key: "A"), Self.delivery(id: 2, key: "B"), Self.delivery(id: 3, key: "C")]
        let request = try #require(DestinationRenderer(format: json, settings: [:], spec: spec).requests(for: batch, sendingAs: [:]).requests.first)
        let results = #"{"results":[{"idempotencyKey":"\#(batch[0].idempotencyKey)","status":"rejected","message":"bad code"},{"idempotencyKey":"\#(batch[2].idempotencyKey)","status":"retry"}]}"#
        let read = DestinationRenderer(format: json, settings: [:], spec: spec).answers(Array(results.utf8), to: request)
        #expect(read == [1: .rejected("bad code"), 3: .retry("status retry")])
        // An answer that is not JSON (a plain OK) accepts the batch, as the hub's own JSON always has.
        #expect(DestinationRenderer(format: json, settings: [:], spec: spec).answers(Array("OK".utf8), to: request) == [1: .accepted, 2: .accepted, 3: .accepted])

        let soap = try Self.load("""
            format: test-format
            version: "1"
            body: xml
            perRequest: record
            request: {Envelope: {Body: {Upload: {data: $records}}}}
            record: {KEY: $key}
            answer:
              syntax: xml
              unwrap: UploadResult
              status: STATUS
              message: MSG
              unreadable: retry
              outcomes:
                - {status: "1", is: accepted}
                - {status: "-1", messageContains: 已存在, is: exists}
                - {status: "-1", is: rejected}
            """)
        let renderer = DestinationRenderer(format: soap, settings: [:], spec: spec)
        let one = try #require(renderer.requests(for: [batch[0]], sendingAs: [:]).requests.first)
        func envelope(_ result: String) -> [UInt8] {
            Array(#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><UploadResponse xmlns="http://tempuri.org/"><UploadResult>\#(result)</UploadResult></UploadResponse></soap:Body></soap:Envelope>"#.utf8)
        }
        #expect(renderer.answers(envelope(#"{"STATUS":"1"}"#), to: one) == [1: .accepted])
        #expect(renderer.answers(envelope(#"{"STATUS":"-1","MSG":"DATA_KEY 9120500 已存在"}"#), to: one) == [1: .exists("DATA_KEY 9120500 已存在")])
        #expect(renderer.answers(envelope(#"{"STATUS":"-1","MSG":"字段PROJECT_NAME不能为空"}"#), to: one) == [1: .rejected("字段PROJECT_NAME不能为空")])
        #expect(renderer.answers(Array("<html>busy</html>".utf8), to: one) == [1: .retry(nil)])
    }
}
