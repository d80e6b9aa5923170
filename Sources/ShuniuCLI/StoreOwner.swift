import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Run as root (`sudo shuniu …`), a command becomes the user who owns the data folder before it
/// touches anything there, so that the files it makes (the store's journal, the CRL cache, the
/// audit checkpoints) stay the daemon's to write, and root never writes the store.
enum StoreOwner {
    private static let adopted = Mutex(false)

    /// Takes the owner of the folder `dataDir` as this process's user and group, once, when
    /// running as root and the folder exists and belongs to another user.
    static func adopt(dataDir: String) throws {
        guard geteuid() == 0 else { return }
        try adopted.withLock { done in
            guard !done else { return }
            done = true
            var info = stat()
            guard stat(dataDir, &info) == 0, info.st_uid != 0 else { return }
            // Groups first: after setuid there is no right left to change them.
            guard setgroups(0, nil) == 0, setgid(info.st_gid) == 0, setuid(info.st_uid) == 0 else {
                throw CLIFailure("cannot become the owner of \(dataDir) (uid \(info.st_uid)): \(String(cString: strerror(errno)))")
            }
        }
    }
}
