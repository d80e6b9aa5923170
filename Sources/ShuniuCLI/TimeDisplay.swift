import ArgumentParser
import Foundation

/// How the CLI writes instants for people and in JSON: Beijing time (UTC+8 all year, the time
/// the hub's users live in) unless `--utc` is given. Always with the offset, in the form
/// `--since` and `--until` read back: `2026-12-05T21:47:12+08:00`, or `2026-12-05T13:47:12Z`.
enum TimeDisplay: Sendable, Equatable {
    case beijing
    case utc

    /// The display of the command being run, chosen from its `--utc` flag before it runs.
    @TaskLocal static var current: TimeDisplay = .beijing

    private static let beijingOffsetSeconds = 8 * 3600

    /// For the CLI's help and the README.
    static let help = """
        Times are shown in Beijing time (2026-12-05T21:47:12+08:00), in tables and JSON alike; --utc shows UTC \
        (2026-12-05T13:47:12Z). --since and --until read either form, and times without an offset as Beijing time.
        """

    /// RFC 3339 to the second, with this display's offset.
    func text(_ date: Date) -> String {
        let offset = self == .beijing ? Self.beijingOffsetSeconds : 0
        var seconds = time_t(Int64((date.timeIntervalSince1970).rounded(.down)) + Int64(offset))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d%@", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), self == .beijing ? "+08:00" : "Z"
        )
    }

    /// The display a parsed command asks for: its `--utc` flag, found among its option groups
    /// (every command that shows times has ``OutputOptions``), Beijing time otherwise.
    static func chosen(by command: any ParsableCommand) -> TimeDisplay {
        for child in Mirror(reflecting: command).children {
            if let choice = child.value as? any ChoosesTimeDisplay { return choice.timeDisplay }
        }
        return .beijing
    }
}

/// `--utc`, for every command that shows times (part of ``OutputOptions``).
struct UTCOption: ParsableArguments {
    @Flag(name: .long, help: "Show times in UTC (…Z) instead of Beijing time (+08:00), in tables and JSON.")
    var utc = false
}

/// An option group that decides how times are shown.
protocol ChoosesTimeDisplay {
    var timeDisplay: TimeDisplay { get }
}

extension UTCOption: ChoosesTimeDisplay {
    var timeDisplay: TimeDisplay { utc ? .utc : .beijing }
}

extension OutputOptions: ChoosesTimeDisplay {
    var timeDisplay: TimeDisplay { times.timeDisplay }
}

/// A command's `@OptionGroup` property, as `Mirror` sees it (the wrapper, not its value).
extension OptionGroup: ChoosesTimeDisplay where Value: ChoosesTimeDisplay {
    var timeDisplay: TimeDisplay { wrappedValue.timeDisplay }
}
