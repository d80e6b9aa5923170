import COpenSSL

/// The OpenSSL library this process runs with (not the headers it was built against).
public enum OpenSSLVersion {
    public static var text: String {
        guard let text = OpenSSL_version(OPENSSL_VERSION) else { return "unknown" }
        return String(cString: text)
    }
}
