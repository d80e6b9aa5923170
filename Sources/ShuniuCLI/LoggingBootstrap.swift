import Logging

/// Sends logs to standard error once per process, at the configured level.
enum LoggingBootstrap {
    static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
