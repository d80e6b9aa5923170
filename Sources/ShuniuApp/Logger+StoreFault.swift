import Logging
import ShuniuCore

extension Logger {
    /// Logs a background task's failure, except one caused by a storage fault (the store full or
    /// unwritable): ``StoreHealthMonitor`` logs those once when they start and end, so each
    /// failed write they cause goes to debug instead of repeating the fault.
    func failure(_ message: Logger.Message, _ error: any Error, level: Logger.Level = .warning, metadata: Logger.Metadata = [:]) {
        var metadata = metadata
        metadata["error"] = "\(error)"
        if let stored = error as? StoreError, stored.code == .full || stored.code == .unavailable {
            debug(message, metadata: metadata)
        } else {
            log(level: level, message, metadata: metadata)
        }
    }
}
