import Foundation
import ShuniuConnectors
import ShuniuCore
import ShuniuMapping
import Yams

/// Reads `connectors:`, a list of mappings; every key, its type and default is listed on
/// ``ConnectorConfiguration``. Each mistake is reported with its key path and line.
struct ConnectorReader {
    let file: String
    var diagnostics: [Diagnostic] = []

    static let keys: Set<String> = [
        "name", "platform", "baseURL", "endpoints", "paging", "pageSize", "sizeParam", "pageParam", "firstPage",
        "cursorParam", "cursorPath", "sinceParam", "timePath", "start", "itemsPath",
        "auth", "tokenFile", "appKey", "secretFile", "signatureMethod",
        "intervalSeconds", "timeoutSeconds", "pageLimit", "retrySeconds", "maxRetrySeconds",
    ]

    /// Keys that only one paging style or authentication reads: given with another, they are a mistake.
    static let pagingKeys: [ConnectorConfiguration.Paging: Set<String>] = [
        .page: ["pageParam", "firstPage"], .cursor: ["cursorParam", "cursorPath"], .since: ["sinceParam", "timePath"],
    ]
    static let authKeys: [String: Set<String>] = ["none": [], "bearer": ["tokenFile"], "hmac": ["appKey", "secretFile", "signatureMethod"]]

    init(file: String) {
        self.file = file
    }

    mutating func read(_ node: Node) -> [ConnectorConfiguration] {
        let connectors = ItemReader.listItems(node, named: "connectors", file: file, diagnostics: &diagnostics).compactMap { readItem($0.index, $0.node) }
        var names = Set<String>()
        for connector in connectors where !names.insert(connector.name).inserted {
            diagnostics.append(Diagnostic(file: file, line: nil, message: "connector '\(connector.name)' is defined twice"))
        }
        return connectors
    }

    private mutating func readItem(_ index: Int, _ item: Node) -> ConnectorConfiguration? {
        let path = "connectors[\(index)]"
        var reader = ItemReader(file: file, path: path, node: item, known: ConnectorReader.keys)
        defer { diagnostics += reader.diagnostics }
        let name = reader.string("name", required: true)
        if let name, !name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) {
            reader.report(item, "'\(path).name' must be lower-case letters, digits and '-', got '\(name)'")
        }
        let platformText = reader.string("platform", required: true)
        let platform = platformText.flatMap { PlatformID(rawValue: $0) }
        if let platformText, platform == nil {
            reader.report(item.mapping?["platform"] ?? item, "'\(path).platform' must be a 交易平台标识码 of 11 characters 0-9 and A-Z, got '\(platformText)'")
        }
        let baseURL = reader.string("baseURL", required: true)
        if let baseURL, !(baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://")) || URLComponents(string: baseURL)?.host == nil {
            reader.report(item.mapping?["baseURL"] ?? item, "'\(path).baseURL' must be an http or https URL, got '\(baseURL)'")
        }
        let endpoints = readEndpoints(item.mapping?["endpoints"], path: path, reader: &reader)
        let paging = reader.choice("paging", ConnectorConfiguration.Paging.self) ?? .page

        var connector = ConnectorConfiguration(name: name ?? "", platform: platform ?? PlatformID(rawValue: "00000000000")!, baseURL: baseURL ?? "", endpoints: endpoints, paging: paging)
        connector.pageSize = reader.integer("pageSize", in: 1...10_000) ?? connector.pageSize
        connector.sizeParam = reader.string("sizeParam") ?? connector.sizeParam
        connector.pageParam = reader.string("pageParam") ?? connector.pageParam
        connector.firstPage = reader.integer("firstPage", in: 0...1) ?? connector.firstPage
        connector.cursorParam = reader.string("cursorParam") ?? connector.cursorParam
        connector.cursorPath = payloadPath("cursorPath", path: path, reader: &reader)
        connector.sinceParam = reader.string("sinceParam") ?? connector.sinceParam
        connector.timePath = payloadPath("timePath", path: path, reader: &reader)
        connector.start = reader.string("start")
        connector.itemsPath = payloadPath("itemsPath", path: path, reader: &reader)
        connector.intervalSeconds = reader.integer("intervalSeconds", in: 1...86_400) ?? connector.intervalSeconds
        connector.timeoutSeconds = reader.integer("timeoutSeconds", in: 1...600) ?? connector.timeoutSeconds
        connector.pageLimit = reader.integer("pageLimit", in: 1...10_000) ?? connector.pageLimit
        connector.retrySeconds = reader.integer("retrySeconds", in: 1...3600) ?? connector.retrySeconds
        connector.maxRetrySeconds = reader.integer("maxRetrySeconds", in: 1...86_400) ?? connector.maxRetrySeconds
        if connector.maxRetrySeconds < connector.retrySeconds {
            reader.report(item, "'\(path).maxRetrySeconds' (\(connector.maxRetrySeconds)) must not be less than retrySeconds (\(connector.retrySeconds))")
        }

        let given = Set(item.mapping?.keys.compactMap(\.string) ?? [])
        for (style, keys) in ConnectorReader.pagingKeys where style != paging {
            for key in keys.intersection(given).sorted() {
                reader.report(item.mapping?[key] ?? item, "'\(path).\(key)' applies to paging: \(style.rawValue) only; this connector pages by \(paging.rawValue)")
            }
        }
        if paging == .cursor && connector.cursorPath == nil && !given.contains("cursorPath") {
            reader.report(item, "'\(path).cursorPath' is required with paging: cursor (where the response names the next cursor)")
        }
        if paging == .since && connector.timePath == nil && !given.contains("timePath") {
            reader.report(item, "'\(path).timePath' is required with paging: since (each item's modification time)")
        }
        connector.authentication = readAuthentication(item, given: given, path: path, reader: &reader)
        return reader.diagnostics.isEmpty ? connector : nil
    }

    /// `endpoints: {projects: /projects, sections: /sections}`, or a list of paths named after them.
    private func readEndpoints(_ node: Node?, path: String, reader: inout ItemReader) -> [ConnectorConfiguration.Endpoint] {
        guard let node else {
            reader.report(reader.node, "'\(path).endpoints' is required: the path of each dataset or payload kind to poll")
            return []
        }
        var endpoints: [ConnectorConfiguration.Endpoint] = []
        if let mapping = node.mapping {
            for (key, value) in mapping {
                guard let name = key.string, !name.isEmpty, let endpointPath = value.scalar?.string, !endpointPath.isEmpty else {
                    reader.report(value, "'\(path).endpoints' maps a name to a path, such as projects: /api/projects")
                    continue
                }
                endpoints.append(.init(name: name, path: endpointPath))
            }
        } else if let sequence = node.sequence {
            for value in sequence {
                guard let endpointPath = value.scalar?.string, !endpointPath.isEmpty else {
                    reader.report(value, "'\(path).endpoints' items must be paths, such as /api/projects")
                    continue
                }
                let name = endpointPath.split(separator: "?")[0].split(separator: "/").joined(separator: "-")
                endpoints.append(.init(name: name.isEmpty ? "root" : name, path: endpointPath))
            }
        } else if let endpointPath = node.scalar?.string, !endpointPath.isEmpty {
            endpoints.append(.init(name: "default", path: endpointPath))
        } else {
            reader.report(node, "'\(path).endpoints' must be a path, a list of paths, or a mapping of names to paths")
        }
        if node.mapping != nil || node.sequence != nil, endpoints.isEmpty, reader.diagnostics.isEmpty {
            reader.report(node, "'\(path).endpoints' names no endpoint")
        }
        var names = Set<String>()
        for endpoint in endpoints where !names.insert(endpoint.name).inserted {
            reader.report(node, "'\(path).endpoints' names endpoint '\(endpoint.name)' twice")
        }
        for endpoint in endpoints where endpoint.path.contains("://") {
            reader.report(node, "'\(path).endpoints': '\(endpoint.path)' must be a path under baseURL, not a URL")
        }
        return endpoints
    }

    private func payloadPath(_ key: String, path: String, reader: inout ItemReader) -> String? {
        guard let text = reader.string(key) else { return nil }
        guard PayloadPath(text) != nil else {
            reader.report(reader.node.mapping?[key] ?? reader.node, "'\(path).\(key)' must be a payload path such as paging.next or items, got '\(text)'")
            return nil
        }
        return text
    }

    private func readAuthentication(_ item: Node, given: Set<String>, path: String, reader: inout ItemReader) -> ConnectorConfiguration.Authentication {
        let kind = reader.string("auth") ?? "none"
        guard let keys = ConnectorReader.authKeys[kind] else {
            reader.report(item.mapping?["auth"] ?? item, "'\(path).auth' must be one of none, bearer, hmac, got '\(kind)'")
            return .none
        }
        for key in ConnectorReader.authKeys.values.reduce(Set(), { $0.union($1) }).subtracting(keys).intersection(given).sorted() {
            reader.report(item.mapping?[key] ?? item, "'\(path).\(key)' does not apply to auth: \(kind)")
        }
        func readable(_ key: String) -> String? {
            guard let file = reader.string(key, required: true) else { return nil }
            // Checked here so that a typo stops start-up; read again at every run (rotation).
            if (try? String(contentsOfFile: file, encoding: .utf8))?.trimmedWhitespace.isEmpty ?? true {
                reader.report(item.mapping?[key] ?? item, "'\(path).\(key)': cannot read \(file), or it is empty")
            }
            return file
        }
        switch kind {
        case "bearer":
            return readable("tokenFile").map { .bearer(tokenFile: $0) } ?? .none
        case "hmac":
            let appKey = reader.string("appKey", required: true)
            let secretFile = readable("secretFile")
            let method = reader.choice("signatureMethod", SignatureMethod.self) ?? .hmacSHA256
            guard let appKey, let secretFile else { return .none }
            return .hmac(appKey: appKey, secretFile: secretFile, method: method)
        default:
            return .none
        }
    }
}
