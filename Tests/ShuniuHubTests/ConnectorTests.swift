import Foundation
import ShuniuApp
import ShuniuConnectors
import ShuniuCore
import ShuniuSimulation
import ShuniuStore
import ShuniuTesting
import ShuniuTrust
import ShuniuTransport
import Testing

/// Pull connectors against a simulated platform API on loopback: a real hub, a real SQLite file,
/// real HTTP over libcurl. The platforms' payloads are E4201000004's own flat Chinese-keyed JSON,
/// mapped by its sample mapping file (a bare list of objects), or by a copy of it that reads the
/// list under `items` (E4201000006, for APIs that wrap their pages).
@Suite("Pull connectors")
struct ConnectorTests {
    static let flat = PlatformID(rawValue: "E4201000004")!
    static let wrapped = PlatformID(rawValue: "E4201000006")!

    /// A copy of the repository's Mappings with E4201000006: E4201000004's file reading `items[*]`.
    func mappings(in folder: TemporaryDirectory) throws -> String {
        let copy = folder.path + "/Mappings"
        try FileManager.default.copyItem(atPath: RepositoryPaths.mappings, toPath: copy)
        let original = try String(contentsOfFile: copy + "/platforms/E4201000004.yaml", encoding: .utf8)
        let variant = original
            .replacingOccurrences(of: "platform: E4201000004", with: "platform: E4201000006")
            .replacingOccurrences(of: #"from: "[*]""#, with: #"from: "items[*]""#)
        try variant.write(toFile: copy + "/platforms/E4201000006.yaml", atomically: true, encoding: .utf8)
        return copy
    }

    /// Registers platforms in the store under `dataDir` before a hub opens it.
    func register(_ platforms: [PlatformID], in dataDir: String) async throws {
        let store = try HubStore(directory: dataDir)
        defer { try? store.close() }
        for platform in platforms { try await Fixtures.register(platform, in: store) }
    }

    /// One project (数据类型 项目) in the platform's own shape, numbered, with a modification time.
    func project(_ platform: PlatformID, _ number: Int, name: String? = nil, modified: String = "2026-11-20 10:00:00") throws -> (key: String, value: JSONValue) {
        let sample = RepositoryPaths.root + "/Ops/samples/platforms/E4201000004/project.json"
        var fields = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: sample))).objectValue)
        let key = platform.rawValue + String(format: "%06d", number)
        fields["项目编号"] = .string(key)
        fields["项目名称"] = .string(name ?? "拉取测试项目 \(number)")
        fields["修改时间"] = .string(modified)
        return (key, .object(fields))
    }

    func connector(
        _ name: String, _ platform: PlatformID, _ api: SimulatedPlatformAPI, paging: ConnectorConfiguration.Paging, pageSize: Int = 2,
        change: (inout ConnectorConfiguration) -> Void = { _ in }
    ) -> ConnectorConfiguration {
        let path = ["page": "/page", "cursor": "/cursor", "since": "/since"][paging.rawValue]!
        var connector = ConnectorConfiguration(name: name, platform: platform, baseURL: api.baseURL, endpoints: [.init(name: "projects", path: path)], paging: paging)
        connector.pageSize = pageSize
        connector.intervalSeconds = 1
        // Generous: under a full parallel run the simulated API may take seconds to answer, and a
        // timed-out first page would be fetched twice, which the paging checks below count.
        connector.timeoutSeconds = 30
        connector.retrySeconds = 1
        connector.maxRetrySeconds = 2
        if paging == .cursor { connector.cursorPath = "paging.next"; connector.itemsPath = "items" }
        if paging == .since { connector.timePath = "修改时间" }
        change(&connector)
        return connector
    }

    func start(_ folder: TemporaryDirectory, mappings: String, connectors: [ConnectorConfiguration]) async throws -> RunningHub {
        try await RunningHub.start(dataDir: folder.path) { configuration in
            configuration.mappingsDir = mappings
            configuration.connectors = connectors
        }
    }

    func connectorState(_ store: any ConnectorStateStore, _ connector: String) async throws -> ConnectorState? {
        try await store.connectorStates(connector: connector).first
    }

    func stored(_ store: any RecordArchive, _ keys: [String]) async throws -> Bool {
        for key in keys where try await store.latestVersion(dataset: "500", key: key) == nil { return false }
        return true
    }

    @Test("Page numbers: pages are fetched until a short one, the records stored and audited as pulled; records appended later are taken from the last page on")
    func pageNumbers() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let api = await SimulatedPlatformAPI.start(timeField: "修改时间")
        let items = try (1...5).map { try project(Self.flat, $0) }
        api.put(items)
        try await register([Self.flat], in: folder.path)
        let hub = try await start(folder, mappings: try mappings(in: folder), connectors: [connector("flat-pages", Self.flat, api, paging: .page)])

        #expect(try await eventually(timeout: .seconds(30)) { try await stored(hub.store, items.map(\.key)) })
        #expect(try await eventually { try await connectorState(hub.store, "flat-pages")?.cursor == "3" })
        let first = try #require(try await connectorState(hub.store, "flat-pages"))
        // Later runs read page 3 again every second, so these only grow.
        #expect(first.pagesFetched >= 3 && first.recordsFetched >= 5, "\(first)")
        #expect(first.consecutiveFailures == 0 && first.lastSuccessAt != nil)
        #expect(Array(api.received.prefix(3).map { $0.query["page"] }) == ["1", "2", "3"])
        #expect(api.received.allSatisfy { $0.query["pageSize"] == "2" })

        let batches = try await hub.store.auditEntries(limit: 20, action: "ingest.batch")
        #expect(batches.allSatisfy { $0.actor == Self.flat.rawValue && $0.detail.contains(#""pulled":{"connector":"flat-pages","url":"http://127.0.0.1:\#(api.port)/page?page="#) }, "\(batches.map(\.detail))")
        let version = try #require(try await hub.store.latestVersion(dataset: "500", key: items[0].key))
        #expect(version.mappingVersion == "2026-11-20" && version.payloadID != nil && version.sourcePath == "$[0]")

        // Two more: page 3 is read again (one duplicate, one new), then page 4 (short).
        let more = try (6...7).map { try project(Self.flat, $0) }
        api.put(more)
        #expect(try await eventually(timeout: .seconds(30)) { try await stored(hub.store, more.map(\.key)) })
        #expect(try await eventually { try await connectorState(hub.store, "flat-pages")?.cursor == "4" })
        #expect(!api.received.dropFirst(3).contains { $0.query["page"] == "1" }, "restarted from page 1: \(api.received.map(\.query))")
        #expect(try await hub.store.versionCount() == 7)
        // Prometheus sees the connector's pages and records.
        let metrics = try await CurlHTTPClient().send(OutgoingRequest(method: "GET", url: "http://127.0.0.1:\(hub.port)/metrics")).bodyText
        #expect(metrics.contains(#"shuniu_connector_records_total{connector="flat-pages",endpoint="#), "\(metrics)")
        try await hub.stop()
        try await api.stop()
    }

    @Test("Cursor paging with a bearer token: each response's next cursor is followed and the last one kept")
    func cursorPaging() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let api = await SimulatedPlatformAPI.start(timeField: "修改时间", bearerToken: "tok-123")
        let items = try (1...5).map { try project(Self.wrapped, $0) }
        api.put(items)
        let tokenFile = folder.file("token")
        try "tok-123\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        try await register([Self.wrapped], in: folder.path)
        let pulled = connector("wrapped-cursor", Self.wrapped, api, paging: .cursor) { $0.authentication = .bearer(tokenFile: tokenFile) }
        let hub = try await start(folder, mappings: try mappings(in: folder), connectors: [pulled])

        #expect(try await eventually(timeout: .seconds(30)) { try await stored(hub.store, items.map(\.key)) })
        #expect(try await eventually { try await connectorState(hub.store, "wrapped-cursor")?.cursor == "c4" })
        #expect(Array(api.received.prefix(3).map { $0.query["cursor"] }) == [nil, "c2", "c4"])
        #expect(api.received.allSatisfy { $0.headers["authorization"] == "Bearer tok-123" })
        let state = try #require(try await connectorState(hub.store, "wrapped-cursor"))
        #expect(state.recordsFetched >= 5 && state.consecutiveFailures == 0 && state.lastError == nil, "\(state)")
        try await hub.stop()
        try await api.stop()
    }

    @Test("hmac authentication signs each GET as the hub's canonical request, under the secret from its file")
    func hmacSigned() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let api = await SimulatedPlatformAPI.start(timeField: "修改时间")
        api.put([try project(Self.flat, 1)])
        let secretFile = folder.file("secret")
        try "s3cret-for-hub\n".write(toFile: secretFile, atomically: true, encoding: .utf8)
        try await register([Self.flat], in: folder.path)
        let pulled = connector("signed", Self.flat, api, paging: .page) {
            $0.authentication = .hmac(appKey: "hub-4201", secretFile: secretFile, method: .hmacSM3)
        }
        let hub = try await start(folder, mappings: try mappings(in: folder), connectors: [pulled])
        #expect(try await eventually(timeout: .seconds(30)) { try await stored(hub.store, [try project(Self.flat, 1).key]) })
        try await hub.stop()
        try await api.stop()

        let request = try #require(api.received.first)
        let headers = request.headers
        #expect(headers["x-shuniu-app-key"] == "hub-4201" && headers["x-shuniu-signature-method"] == "HMAC-SM3")
        let signer = RequestSigner(method: .hmacSM3)
        let canonical = CanonicalRequest(
            method: "GET", path: request.target, timestamp: try #require(headers["x-shuniu-timestamp"]), nonce: try #require(headers["x-shuniu-nonce"]),
            bodyDigestHex: signer.bodyDigestHex([UInt8]())
        )
        #expect(request.target.hasPrefix("/page?"))
        #expect(signer.verify(canonical, secret: "s3cret-for-hub", presentedHex: try #require(headers["x-shuniu-signature"])))
        #expect(!signer.verify(canonical, secret: "another-secret", presentedHex: try #require(headers["x-shuniu-signature"])))
    }

    @Test("Modified-since paging keeps the latest time seen; a record changed between polls becomes version 2, an unchanged one stays a duplicate")
    func sinceTimeAndChangedRecord() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let api = await SimulatedPlatformAPI.start(timeField: "修改时间")
        let items = try [
            project(Self.flat, 1, modified: "2026-11-20 10:00:01"), project(Self.flat, 2, modified: "2026-11-20 10:00:02"),
            project(Self.flat, 3, modified: "2026-11-20 10:00:03"),
        ]
        api.put(items)
        try await register([Self.flat], in: folder.path)
        let hub = try await start(folder, mappings: try mappings(in: folder), connectors: [connector("flat-since", Self.flat, api, paging: .since)])

        #expect(try await eventually(timeout: .seconds(30)) { try await stored(hub.store, items.map(\.key)) })
        #expect(try await eventually { try await connectorState(hub.store, "flat-since")?.cursor == "2026-11-20 10:00:03" })
        #expect(api.received.first?.query["since"] == nil)
        #expect(api.received.dropFirst().contains { $0.query["since"] == "2026-11-20 10:00:02" })

        api.put([try project(Self.flat, 1, name: "拉取测试项目 1（更正）", modified: "2026-11-20 11:00:00")])
        #expect(try await eventually(timeout: .seconds(30)) { try await hub.store.versions(dataset: "500", key: items[0].key).count == 2 })
        let versions = try await hub.store.versions(dataset: "500", key: items[0].key)
        #expect(versions.map(\.version) == [1, 2])
        #expect(versions[1].normalizedPayload.contains("拉取测试项目 1（更正）"))
        #expect(try await eventually { try await connectorState(hub.store, "flat-since")?.cursor == "2026-11-20 11:00:00" })
        // Re-fetched unchanged records (the one at the since time) never become versions.
        #expect(try await hub.store.versions(dataset: "500", key: items[2].key).count == 1)
        #expect(try await hub.store.versionCount() == 4)
        try await hub.stop()
        try await api.stop()
    }

    @Test("After a restart the connector resumes from its persisted cursor, not from the first page")
    func resumesAfterRestart() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let api = await SimulatedPlatformAPI.start(timeField: "修改时间")
        let items = try (1...6).map { try project(Self.flat, $0) }
        api.put(items)
        try await register([Self.flat], in: folder.path)
        let mappings = try mappings(in: folder)
        // Two pages per run and an hour between runs: the first hub takes pages 1 and 2 only.
        var slow = connector("flat-pages", Self.flat, api, paging: .page) { $0.pageLimit = 2; $0.intervalSeconds = 3600 }
        let first = try await start(folder, mappings: mappings, connectors: [slow])
        #expect(try await eventually(timeout: .seconds(30)) { try await connectorState(first.store, "flat-pages")?.lastSuccessAt != nil })
        #expect(try await connectorState(first.store, "flat-pages")?.cursor == "3")
        #expect(try await stored(first.store, items.prefix(4).map(\.key)))
        try await first.stop()
        #expect(api.received.map { $0.query["page"] } == ["1", "2"])

        // The restarted hub runs at once (a shorter interval applies immediately) from page 3.
        slow.intervalSeconds = 1
        let second = try await start(folder, mappings: mappings, connectors: [slow])
        #expect(try await eventually(timeout: .seconds(30)) { try await stored(second.store, items.map(\.key)) })
        #expect(api.received.dropFirst(2).first?.query["page"] == "3", "\(api.received.map(\.query))")
        #expect(api.received.filter { $0.query["page"] == "1" }.count == 1)
        try await second.stop()
        try await api.stop()
    }

    @Test("500s, a slow page past the timeout, a malformed body and a refused connection back off and recover, while another connector keeps working")
    func errorsBackOffAndRecover() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let failing = await SimulatedPlatformAPI.start(timeField: "修改时间")
        let healthy = await SimulatedPlatformAPI.start(timeField: "修改时间")
        let gone = await SimulatedPlatformAPI.start()
        try await gone.stop()  // its port now refuses connections
        let failingItems = try (1...3).map { try project(Self.flat, $0) }
        failing.put(failingItems)
        failing.behave(.status(500))
        try await register([Self.flat, Self.wrapped], in: folder.path)
        let hub = try await start(folder, mappings: try mappings(in: folder), connectors: [
            connector("failing", Self.flat, failing, paging: .page) { $0.timeoutSeconds = 1 },
            connector("healthy", Self.wrapped, healthy, paging: .cursor),
            connector("refused", Self.flat, gone, paging: .page),
        ])

        // The healthy connector works throughout.
        healthy.put(try (1...3).map { try project(Self.wrapped, $0) })
        #expect(try await eventually(timeout: .seconds(30)) { try await connectorState(hub.store, "failing")?.consecutiveFailures ?? 0 >= 2 })
        let failed = try #require(try await connectorState(hub.store, "failing"))
        #expect(failed.lastError?.hasPrefix("connector.http_status") == true && failed.lastError?.contains("500") == true, "\(failed)")
        #expect(failed.nextRunAt != nil && failed.cursor == nil)
        // Backed off: the second attempt came at least the first wait (1 s, -20 % jitter) later.
        let attempts = failing.received.map(\.at)
        #expect(attempts.count >= 2 && attempts[1] - attempts[0] >= .milliseconds(750), "\(attempts)")

        failing.behave(.hang(.seconds(20)))
        #expect(try await eventually(timeout: .seconds(30)) { try await connectorState(hub.store, "failing")?.lastError?.hasPrefix("connector.transport") == true })
        failing.behave(.malformed)
        #expect(try await eventually(timeout: .seconds(30)) { try await connectorState(hub.store, "failing")?.lastError?.hasPrefix("request.malformed_payload") == true })
        // A page past the hub's body limit (8 MiB) is not read whole: the transfer stops there.
        failing.behave(.oversized(bytes: 9 << 20))
        #expect(try await eventually(timeout: .seconds(30)) { try await connectorState(hub.store, "failing")?.lastError?.contains("larger than 8388608 bytes") == true })
        let refusals = try await hub.store.auditEntries(limit: 10, action: "ingest.refused")
        #expect(refusals.contains { $0.outcome == "request.malformed_payload" && $0.detail.contains(#""connector":"failing""#) }, "\(refusals.map(\.detail))")
        #expect(try await stored(hub.store, try (1...3).map { try project(Self.wrapped, $0).key }))
        let refused = try #require(try await connectorState(hub.store, "refused"))
        #expect(refused.lastError?.hasPrefix("connector.transport") == true && refused.lastSuccessAt == nil, "\(refused)")

        failing.behave(.normal)
        #expect(try await eventually(timeout: .seconds(30)) { try await stored(hub.store, failingItems.map(\.key)) })
        #expect(try await eventually { try await connectorState(hub.store, "failing")?.consecutiveFailures == 0 })
        try await hub.stop()
        try await failing.stop()
        try await healthy.stop()
    }

    @Test("Rejected records are audited like pushed ones; the page is committed, the cursor moves on, and later records are taken")
    func rejectedRecordsDoNotStopTheConnector() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let api = await SimulatedPlatformAPI.start(timeField: "修改时间")
        var bad = try project(Self.flat, 2)
        if case .object(var fields) = bad.value {
            fields["项目所在地区代码"] = .string("999999")
            bad.value = .object(fields)
        }
        api.put([try project(Self.flat, 1), bad])
        try await register([Self.flat], in: folder.path)
        let hub = try await start(folder, mappings: try mappings(in: folder), connectors: [connector("flat-pages", Self.flat, api, paging: .page)])

        #expect(try await eventually(timeout: .seconds(30)) { try await connectorState(hub.store, "flat-pages")?.pagesFetched ?? 0 >= 1 })
        #expect(try await stored(hub.store, [try project(Self.flat, 1).key]))
        #expect(try await hub.store.latestVersion(dataset: "500", key: bad.key) == nil)
        let batch = try #require(try await hub.store.auditEntries(limit: 5, action: "ingest.batch").last)
        #expect(batch.outcome == "ok" && batch.detail.contains(#""rejected":1"#) && batch.detail.contains("id.region_code $[1].项目所在地区代码"), "\(batch.detail)")
        #expect(batch.detail.contains(#""pulled":{"connector":"flat-pages","url":"http://127.0.0.1:\#(api.port)/page?page=1&pageSize=2"}"#), "\(batch.detail)")
        #expect(try await connectorState(hub.store, "flat-pages")?.consecutiveFailures == 0)

        api.put([try project(Self.flat, 3)])
        #expect(try await eventually(timeout: .seconds(30)) { try await stored(hub.store, [try project(Self.flat, 3).key]) })
        try await hub.stop()
        try await api.stop()
    }

    @Test("A connector for a platform that is not registered reports an error state without stopping the hub, and recovers once it is registered")
    func unregisteredPlatform() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let api = await SimulatedPlatformAPI.start(timeField: "修改时间")
        let items = try (1...2).map { try project(Self.flat, $0) }
        api.put(items)
        let hub = try await start(folder, mappings: try mappings(in: folder), connectors: [connector("flat-pages", Self.flat, api, paging: .page)])
        #expect(try await eventually(timeout: .seconds(30)) { try await connectorState(hub.store, "flat-pages")?.lastError?.hasPrefix("platform.not_registered") == true })
        #expect(api.received.isEmpty, "fetched from a platform that may not send")
        #expect(await hub.store.isReady())

        try await Fixtures.register(Self.flat, in: hub.store)
        #expect(try await eventually(timeout: .seconds(30)) { try await stored(hub.store, items.map(\.key)) })
        try await hub.stop()
        try await api.stop()
    }

    @Test("A connectors: section is read with every key")
    func configurationRead() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try "secret".write(toFile: folder.file("secret"), atomically: true, encoding: .utf8)
        let configuration = try HubConfiguration.parse("""
            connectors:
              - name: wuhan-cloud
                platform: E4201000004
                baseURL: https://api.example.cn/open
                endpoints: {projects: /projects, sections: "/records?kind=502"}
                paging: since
                sinceParam: updatedAfter
                timePath: meta.updatedAt
                itemsPath: data.list
                pageSize: 50
                auth: hmac
                appKey: hub-key
                secretFile: \(folder.file("secret"))
                signatureMethod: HMAC-SM3
                intervalSeconds: 60
                timeoutSeconds: 10
                pageLimit: 5
            """, file: "hub.yaml")
        let connector = try #require(configuration.connectors.first)
        #expect(connector.platform.rawValue == "E4201000004" && connector.paging == .since && connector.sinceParam == "updatedAfter")
        #expect(connector.endpoints == [.init(name: "projects", path: "/projects"), .init(name: "sections", path: "/records?kind=502")])
        #expect(connector.authentication == .hmac(appKey: "hub-key", secretFile: folder.file("secret"), method: .hmacSM3))
        #expect(connector.pageSize == 50 && connector.intervalSeconds == 60 && connector.timeoutSeconds == 10 && connector.pageLimit == 5)
        #expect(connector.itemsPath == "data.list" && connector.timePath == "meta.updatedAt")
    }

    @Test("Bad connector keys and values are reported with key path and line", arguments: [
        ("    colour: red\n", "unknown key 'connectors[0].colour'", 8),
        ("    paging: sideways\n", "'connectors[0].paging' must be one of page, cursor, since", 8),
        ("    paging: cursor\n", "'connectors[0].cursorPath' is required with paging: cursor", 2),
        ("    cursorPath: next\n", "'connectors[0].cursorPath' applies to paging: cursor only", 8),
        ("    paging: since\n", "'connectors[0].timePath' is required with paging: since", 2),
        ("    auth: bearer\n", "'connectors[0].tokenFile' is required", 2),
        ("    auth: bearer\n    tokenFile: /nonexistent/token\n", "'connectors[0].tokenFile': cannot read /nonexistent/token", 9),
        ("    tokenFile: /etc/hostname\n", "'connectors[0].tokenFile' does not apply to auth: none", 8),
        ("    auth: basic\n", "'connectors[0].auth' must be one of none, bearer, hmac", 8),
        ("    pageSize: 0\n", "'connectors[0].pageSize' must be a whole number from 1 to 10000", 8),
        ("    timeoutSeconds: soon\n", "'connectors[0].timeoutSeconds' must be a whole number", 8),
        ("    itemsPath: \"a[\"\n", "'connectors[0].itemsPath' must be a payload path", 8),
    ])
    func badConnectorKeys(extra: String, message: String, line: Int) throws {
        let yaml = """
            connectors:
              - name: wuhan-cloud
                platform: E4201000004
                baseURL: http://127.0.0.1:9/api
                endpoints: [/projects]
                intervalSeconds: 60
                pageLimit: 5

            """.replacingOccurrences(of: "    pageLimit: 5\n", with: "    pageLimit: 5\n" + extra)
        let error = try #require(throws: DiagnosticsError.self) { try HubConfiguration.parse(yaml, file: "hub.yaml") }
        let found = error.diagnostics.first { $0.message.contains(message) }
        #expect(found != nil, "\(error.diagnostics)")
        #expect(found?.line == line, "\(error.diagnostics)")
    }

    @Test("Required keys, platform, URL, endpoints and duplicate names are all reported at once")
    func severalConnectorProblems() throws {
        let error = try #require(throws: DiagnosticsError.self) {
            try HubConfiguration.parse("""
                connectors:
                  - name: Wuhan Cloud
                    platform: E42
                    baseURL: ftp://example.cn
                  - name: twice
                    platform: E4201000004
                    baseURL: http://127.0.0.1:9
                    endpoints: {}
                  - name: twice
                    platform: E4201000004
                    baseURL: http://127.0.0.1:9
                    endpoints: [/a]
                  - name: twice
                    platform: E4201000004
                    baseURL: http://127.0.0.1:9
                    endpoints: [/a]
                """, file: "hub.yaml")
        }
        let messages = error.diagnostics.map(\.message)
        for expected in [
            "'connectors[0].name' must be lower-case letters", "'connectors[0].platform' must be a 交易平台标识码",
            "'connectors[0].baseURL' must be an http or https URL", "'connectors[0].endpoints' is required",
            "'connectors[1].endpoints' names no endpoint", "connector 'twice' is defined twice",
        ] {
            #expect(messages.contains { $0.contains(expected) }, "\(expected) not in \(messages)")
        }
        #expect(throws: DiagnosticsError.self) { try HubConfiguration.parse("connectors: {name: x}\n", file: "hub.yaml") }
    }

    @Test("shuniu connectors lists each endpoint's state (table and --json); reset-cursor is audited with the operator's name")
    func connectorsCommand() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let api = await SimulatedPlatformAPI.start(timeField: "修改时间")
        let items = try (1...3).map { try project(Self.flat, $0) }
        api.put(items)
        try await register([Self.flat], in: folder.path)
        let mappingsFolder = try mappings(in: folder)
        let configFile = folder.file("hub.yaml")
        try """
            paths:
              mappings: \(mappingsFolder)
            connectors:
              - name: flat-pages
                platform: E4201000004
                baseURL: \(api.baseURL)
                endpoints: {projects: /page}
                pageSize: 2
                intervalSeconds: 3600
              - name: not-yet
                platform: E4201000004
                baseURL: http://127.0.0.1:9
                endpoints: [/projects]
            """.write(toFile: configFile, atomically: true, encoding: .utf8)
        let configuration = try HubConfiguration.load(file: configFile)
        try await RunningHub.withRunning(dataDir: folder.path, adjust: {
            $0.mappingsDir = mappingsFolder
            $0.connectors = configuration.connectors.filter { $0.name == "flat-pages" }
        }) { hub in
            let pulled = try await eventually(timeout: .seconds(30)) { try await connectorState(hub.store, "flat-pages")?.lastSuccessAt != nil }
            #expect(pulled)
        }

        let json = try await CLI.run(["connectors", "--config", configFile, "--data-dir", folder.path, "--json"])
        #expect(json.status == 0, "\(json.output)")
        let views = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]], "\(json.output)")
        #expect(views.count == 2)
        let pulled = try #require(views.first { $0["connector"] as? String == "flat-pages" })
        #expect(pulled["platform"] as? String == "E4201000004" && pulled["endpoint"] as? String == "projects")
        #expect(pulled["cursor"] as? String == "2" && pulled["recordsFetched"] as? Int == 3 && pulled["pagesFetched"] as? Int == 2)
        #expect(pulled["status"] as? String == "ok" && pulled["lastSuccessAt"] != nil && pulled["nextRunAt"] != nil && pulled["lastRunAt"] != nil)
        #expect(views.first { $0["connector"] as? String == "not-yet" }?["status"] as? String == "never run")

        let table = try await CLI.run(["connectors", "--config", configFile, "--data-dir", folder.path])
        #expect(table.status == 0)
        for column in ["CONNECTOR", "PLATFORM", "LAST RUN", "LAST SUCCESS", "CURSOR", "RECORDS", "FAILURES", "NEXT RUN", "flat-pages", "never run"] {
            #expect(table.output.contains(column), "\(column) not in \(table.output)")
        }

        let reset = try await CLI.run(["connectors", "reset-cursor", "flat-pages", "--config", configFile, "--data-dir", folder.path,
                                       "--operator", "wang.wu", "--reason", "platform re-numbered its pages"])
        #expect(reset.status == 0, "\(reset.output)")
        let unknown = try await CLI.run(["connectors", "reset-cursor", "nobody", "--config", configFile, "--data-dir", folder.path])
        #expect(unknown.status != 0 && unknown.output.contains("has no stored state"), "\(unknown.output)")
        let store = try HubStore(directory: folder.path)
        defer { try? store.close() }
        let state = try #require(try await connectorState(store, "flat-pages"))
        #expect(state.cursor == nil && state.nextRunAt == nil && state.recordsFetched == 3)
        let audit = try #require(try await store.auditEntries(limit: 1, action: "connector.reset_cursor").first)
        #expect(audit.actor == "wang.wu" && audit.subject == "flat-pages" && audit.detail.contains("projects=2") && audit.detail.contains("re-numbered"))
        #expect(try await store.verifyAuditChain().intact)
        try await api.stop()
    }
}
