import Synchronization

/// The TLS material new connections are served with, shared by every event loop; SIGHUP swaps
/// it (``ServerTLSReloader``). A connection keeps the context it was accepted with.
public final class ServerTLSState: Sendable {
    /// The files read again on every reload.
    public let settings: ServerTLSSettings
    private let material: Mutex<ServerTLSMaterial>

    /// Reads the files of `settings`; throws when they cannot be served.
    public init(settings: ServerTLSSettings) throws(ServerTLSProblem) {
        self.settings = settings
        self.material = Mutex(try ServerTLSMaterial.load(settings))
    }

    /// The material in force.
    var current: ServerTLSMaterial { material.withLock { $0 } }

    /// Reads the files again and puts them in force; the old material stays when they fail.
    func reload() throws(ServerTLSProblem) -> ServerTLSMaterial {
        let loaded = try ServerTLSMaterial.load(settings)
        material.withLock { $0 = loaded }
        return loaded
    }
}
