import Logging
import ShuniuApp

/// Sends logs to standard error once per process, at the configured level and in the configured
/// format (text, or one JSON object a line).
enum LoggingBootstrap {
    static func bootstrap(level: Logger.Level, format: LogFormat = .text) {
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            case .json:
                var handler = JSONLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
