import Foundation
import ShuniuCore
import ShuniuDelivery
import ShuniuMapping
import ShuniuSpec

/// Each configured destination's format: the file it names, read at start, or the hub's JSON. A
/// file that is missing or has problems, or a setting its format requires and the destination
/// does not give, stops the start with every problem named.
public enum DestinationFormats {
    public static func load(for destinations: [Destination], from folder: String, spec: DataSpec) throws -> [String: any DeliveryFormat] {
        var formats: [String: any DeliveryFormat] = [:]
        var problems: [Diagnostic] = []
        var files: [String: DestinationFormatFile] = [:]
        for destination in destinations {
            guard let name = destination.format else {
                formats[destination.name] = HubJSONFormat()
                continue
            }
            let path = (folder as NSString).appendingPathComponent(name + ".yaml")
            let file: DestinationFormatFile
            if let loaded = files[name] {
                file = loaded
            } else {
                guard FileManager.default.fileExists(atPath: path) else {
                    let shipped = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
                    problems.append(Diagnostic(file: path, line: nil, message: "destination \(destination.name) names format \(name), which has no file here (formats: \(shipped.map { String($0.dropLast(5)) }.joined(separator: ", ")))"))
                    continue
                }
                do {
                    file = try DestinationFormatLoader.load(file: path, spec: spec)
                    files[name] = file
                } catch let error as DiagnosticsError {
                    problems += error.diagnostics
                    continue
                }
            }
            let missing = file.requiredSettings.filter { destination.formatSettings[$0] == nil }
            if !missing.isEmpty {
                problems.append(Diagnostic(file: path, line: nil, message: "destination \(destination.name): format \(name) needs formatSettings \(missing.joined(separator: ", "))"))
                continue
            }
            formats[destination.name] = DestinationRenderer(format: file, settings: destination.formatSettings, spec: spec)
        }
        if !problems.isEmpty { throw DiagnosticsError(problems) }
        return formats
    }
}
