import Foundation
import ShuniuApp
import ShuniuCore
import ShuniuTesting
import Testing

@Suite("Configuration: embedded defaults, YAML, strict keys")
struct ConfigurationTests {
    @Test("The embedded defaults listen on loopback with the store under ./var")
    func defaults() {
        let configuration = HubConfiguration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8480)
        #expect(configuration.dataDir == "./var")
        #expect(configuration.specDir == "./Mappings/spec")
        #expect(configuration.certsDir == "./Certs")
        #expect(configuration.ingest.replayWindowSeconds == 300)
    }

    @Test("A YAML file overrides what it names and keeps the rest")
    func yamlOverrides() throws {
        let configuration = try HubConfiguration.parse("""
            server:
              port: 9000
            ingest:
              maxRecords: 50
            log:
              level: debug
            """, file: "hub.yaml")
        #expect(configuration.port == 9000)
        #expect(configuration.ingest.maxRecords == 50)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.host == "127.0.0.1")
    }

    @Test("An unknown key stops start-up with a message naming the key and line")
    func unknownKey() throws {
        let error = try #require(throws: DiagnosticsError.self) {
            try HubConfiguration.parse("server:\n  hots: 0.0.0.0\nstorage:\n  dataDir: /srv\n", file: "hub.yaml")
        }
        #expect(error.diagnostics.count == 1)
        #expect(error.diagnostics[0].description.hasPrefix("hub.yaml:2:"))
        #expect(error.diagnostics[0].message.contains("unknown key 'server.hots'"))
    }

    @Test("Bad values are all reported by key", arguments: [
        ("server:\n  port: 70000\n", "server.port"),
        ("server:\n  port: eighty\n", "server.port"),
        ("ingest:\n  maxRecords: 0\n", "ingest.maxRecords"),
        ("log:\n  level: loud\n", "log.level"),
        ("server: 8080\n", "server"),
        ("server:\n  host: [a, b]\n", "server.host"),
    ])
    func badValues(yaml: String, key: String) throws {
        let error = try #require(throws: DiagnosticsError.self) { try HubConfiguration.parse(yaml, file: "hub.yaml") }
        #expect(error.diagnostics.contains { $0.message.contains("'\(key)'") }, "\(error)")
    }

    @Test("The connection limits are read from server.*")
    func connectionLimits() throws {
        let configuration = try HubConfiguration.parse("""
            server:
              headerTimeoutSeconds: 5
              idleTimeoutSeconds: 30
              bodyTimeoutSeconds: 20
              maxConnectionsPerAddress: 8
              maxConnections: 200
            """, file: "hub.yaml")
        #expect(configuration.connections.headerTimeoutSeconds == 5)
        #expect(configuration.connections.idleTimeoutSeconds == 30)
        #expect(configuration.connections.bodyTimeoutSeconds == 20)
        #expect(configuration.connections.maxConnectionsPerAddress == 8)
        #expect(configuration.connections.maxConnections == 200)
        #expect(HubConfiguration().connections == ConnectionLimits())
    }

    @Test("Connection limits out of range are reported by key", arguments: [
        ("headerTimeoutSeconds", "0"), ("headerTimeoutSeconds", "3601"), ("idleTimeoutSeconds", "0"), ("idleTimeoutSeconds", "soon"),
        ("bodyTimeoutSeconds", "-1"), ("bodyTimeoutSeconds", "3601"), ("maxConnectionsPerAddress", "0"), ("maxConnectionsPerAddress", "100001"),
        ("maxConnections", "0"), ("maxConnections", "1000001"),
    ])
    func connectionLimitRanges(key: String, value: String) throws {
        let error = try #require(throws: DiagnosticsError.self) { try HubConfiguration.parse("server:\n  \(key): \(value)\n", file: "hub.yaml") }
        #expect(error.diagnostics.count == 1)
        #expect(error.diagnostics[0].message.contains("'server.\(key)' must be a whole number"), "\(error)")
    }

    @Test("The example configuration shows every connection limit with its embedded default")
    func exampleShowsConnectionLimits() throws {
        let file = RepositoryPaths.root + "/Ops/config/shuniu.example.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        for key in ["headerTimeoutSeconds", "idleTimeoutSeconds", "bodyTimeoutSeconds", "maxConnectionsPerAddress", "maxConnections"] {
            #expect(text.contains("\n  \(key): "), "\(key) is not in the example")
        }
        #expect(try HubConfiguration.load(file: file).connections == ConnectionLimits())
    }

    @Test("Several problems are reported together")
    func severalProblems() throws {
        let error = try #require(throws: DiagnosticsError.self) {
            try HubConfiguration.parse("server:\n  port: -1\n  colour: red\nlog:\n  level: loud\n", file: "hub.yaml")
        }
        #expect(error.diagnostics.count == 3)
    }
}
