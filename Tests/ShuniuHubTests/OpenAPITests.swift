import Foundation
import Hummingbird
import Logging
import ShuniuAPI
import ShuniuCore
import ShuniuIngest
import ShuniuStore
import ShuniuTesting
import ShuniuTransport
import Testing

/// The OpenAPI document is the whole HTTP API: every route is in it, everything in it is a
/// route, and it is a well-formed OpenAPI 3 document whose references resolve.
@Suite("OpenAPI document")
struct OpenAPITests {
    func document(from hub: RunningHub) async throws -> [String: Any] {
        let response = try await CurlHTTPClient().send(OutgoingRequest(method: "GET", url: hub.baseURL + "/api/v1/openapi.json"))
        #expect(response.status == 200)
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    /// `GET /api/v1/records/{dataset}` for `GET /api/v1/records/:dataset`.
    static func openAPIPath(_ routerPath: String) -> String {
        "/" + routerPath.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
    }

    @Test("Every route is documented and every documented operation is a route")
    func routesMatch() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try await RunningHub.withRunning(dataDir: folder.path) { hub in
            let ingest = IngestService(store: hub.store, spec: hub.hub.spec, limits: IngestLimits(), logger: Logger(label: "test"))
            let routes = Set(HubAPI(ingest: ingest, store: hub.store, trust: hub.hub.trust).router().routes.map {
                "\($0.method.rawValue) \(Self.openAPIPath($0.path.description))"
            })
            let paths = try #require(try await document(from: hub)["paths"] as? [String: [String: Any]])
            let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
            #expect(routes == documented, "undocumented: \(routes.subtracting(documented).sorted()); not routes: \(documented.subtracting(routes).sorted())")
            #expect(routes.count >= 6)
        }
    }

    @Test("The document is OpenAPI 3: info, unique operation ids, responses, parameters, resolvable references")
    func wellFormed() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let body = try await RunningHub.withRunning(dataDir: folder.path) { hub in
            try await CurlHTTPClient().send(OutgoingRequest(method: "GET", url: hub.baseURL + "/api/v1/openapi.json")).body
        }
        let document = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])

        #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
        let info = try #require(document["info"] as? [String: Any])
        #expect(info["title"] is String && info["version"] is String)
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var operationIDs: [String] = []
        for (path, operations) in paths {
            #expect(path.hasPrefix("/"))
            for (method, value) in operations {
                #expect(["get", "post", "put", "delete", "patch"].contains(method), "\(method) \(path)")
                let operation = try #require(value as? [String: Any])
                operationIDs.append(try #require(operation["operationId"] as? String, "\(method) \(path) has no operationId"))
                let responses = try #require(operation["responses"] as? [String: Any], "\(method) \(path) has no responses")
                #expect(!responses.isEmpty)
                for parameter in operation["parameters"] as? [[String: Any]] ?? [] {
                    let resolved = try resolve(parameter, in: document)
                    #expect(resolved["name"] is String && ["header", "query", "path"].contains(resolved["in"] as? String) && resolved["schema"] != nil, "\(parameter)")
                }
            }
        }
        #expect(Set(operationIDs).count == operationIDs.count, "operation ids repeat: \(operationIDs.sorted())")
        var references: [String] = []
        collectReferences(document, into: &references)
        #expect(!references.isEmpty)
        for reference in references {
            #expect(throws: Never.self, "\(reference)") { _ = try lookUp(reference, in: document) }
        }
    }

    @Test("An independent validator (openapi-spec-validator, installed by Ops/install-deps.sh) accepts the document")
    func independentValidator() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let response = try await RunningHub.withRunning(dataDir: folder.path) { hub in
            try await CurlHTTPClient().send(OutgoingRequest(method: "GET", url: hub.baseURL + "/api/v1/openapi.json"))
        }
        let file = folder.file("openapi.json")
        try Data(response.body).write(to: URL(fileURLWithPath: file))
        let outcome = try await ChildProcess.run("/usr/bin/env", ["python3", "-m", "openapi_spec_validator", file], timeout: 60)
        #expect(outcome.status == 0 && outcome.output.contains("OK"), "\(outcome.output)")

        // The validator can fail: a document without responses is refused.
        let broken = String(decoding: response.body, as: UTF8.self).replacingOccurrences(of: "\"responses\"", with: "\"answers\"")
        try broken.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await ChildProcess.run("/usr/bin/env", ["python3", "-m", "openapi_spec_validator", file], timeout: 60).status != 0)
    }

    func resolve(_ object: [String: Any], in document: [String: Any]) throws -> [String: Any] {
        guard let reference = object["$ref"] as? String else { return object }
        return try #require(try lookUp(reference, in: document) as? [String: Any])
    }

    func lookUp(_ reference: String, in document: [String: Any]) throws -> Any {
        guard reference.hasPrefix("#/") else { throw TestHubError(message: "not a local reference: \(reference)") }
        var node: Any = document
        for part in reference.dropFirst(2).split(separator: "/") {
            guard let next = (node as? [String: Any])?[String(part)] else { throw TestHubError(message: "\(reference) does not resolve at \(part)") }
            node = next
        }
        return node
    }

    func collectReferences(_ node: Any, into references: inout [String]) {
        if let object = node as? [String: Any] {
            if let reference = object["$ref"] as? String { references.append(reference) }
            object.values.forEach { collectReferences($0, into: &references) }
        } else if let array = node as? [Any] {
            array.forEach { collectReferences($0, into: &references) }
        }
    }
}
