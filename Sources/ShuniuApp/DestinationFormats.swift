import Foundation
import ShuniuCore
import ShuniuDelivery
import ShuniuMapping
import ShuniuSpec
import ShuniuTrust

/// Each configured destination's format: the file it names, read at start, or the hub's JSON. A
/// file that is missing or has problems, or a setting its format requires and the destination
/// does not give, stops the start with every problem named.
public enum DestinationFormats {
    /// `showingTokens: false` puts a placeholder where a token goes, for showing a request to an
    /// operator: a token is a credential (the provincial one opens the receiver for 12 hours).
    public static func load(
        for destinations: [Destination], from folder: String, spec: DataSpec, showingTokens: Bool = true
    ) throws -> [String: any DeliveryFormat] {
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
            do {
                var token = try tokenMaker(file.token, settings: destination.formatSettings)
                if !showingTokens, token != nil { token = { _ in "[the token, made when sending]" } }
                formats[destination.name] = DestinationRenderer(format: file, settings: destination.formatSettings, spec: spec, token: token)
            } catch {
                problems.append(Diagnostic(file: path, line: nil, message: "destination \(destination.name): \(error)"))
            }
        }
        if !problems.isEmpty { throw DiagnosticsError(problems) }
        return formats
    }

    /// A destination's settings that cannot make its format's token.
    struct SettingProblem: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// What makes the format's token for a destination: its secret read from `secretFile` now, and
    /// one token made at once, so that a missing cipher or a bad secret stops the start rather
    /// than every delivery. The secret stays in the closure: never logged, never in settings.
    static func tokenMaker(_ kind: TokenKind?, settings: [String: String]) throws -> (@Sendable (Date) throws -> String)? {
        guard let kind else { return nil }
        switch kind {
        case .provincialDES:
            let systemNo = settings["systemNo"] ?? ""
            let file = settings["secretFile"] ?? ""
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw SettingProblem("cannot read the token secret file \(file) (formatSettings.secretFile)")
            }
            let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard systemNo.count == 4 else { throw SettingProblem("formatSettings.systemNo must be the 4-character SYSTEM_NO the receiver gave this hub") }
            guard secret.utf8.count == 8 else { throw SettingProblem("the token secret in \(file) must be 8 ASCII characters (the receiver's DES key)") }
            _ = try ProvincialReceiverToken.make(systemNo: systemNo, secret: secret, at: Date())
            return { time in try ProvincialReceiverToken.make(systemNo: systemNo, secret: secret, at: time) }
        }
    }
}
