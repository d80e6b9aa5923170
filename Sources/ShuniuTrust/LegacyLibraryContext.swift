import COpenSSL

/// An OpenSSL library context of its own holding the *legacy* provider (and the default one beside
/// it), made once on first use. DES lives only in the legacy provider; loading it into the
/// process's default context would let every other part of the hub reach weak algorithms, so it is
/// loaded here alone and only ``LegacyDESCBC`` and ``ProvincialReceiverToken`` fetch from it.
final class LegacyLibraryContext: @unchecked Sendable {
    // @unchecked: the context and the fetched algorithms are made once, never changed or freed
    // afterwards, and OpenSSL allows fetched EVP_CIPHER / EVP_MD objects to be used from any thread.
    private let context: OpaquePointer
    /// EVP_CIPHER for DES-CBC.
    let desCBC: OpaquePointer
    /// EVP_MD for MD5, which the receiver's token embeds (from the default provider of this context).
    let md5: OpaquePointer

    /// Made on first use (Swift runs a static initializer once, thread-safely); a failure is kept,
    /// so that every caller gets the same clear error.
    static let shared: Result<LegacyLibraryContext, TrustError> = {
        do throws(TrustError) {
            return .success(try LegacyLibraryContext())
        } catch {
            return .failure(error)
        }
    }()

    /// The shared context, or the error that says why it could not be made.
    static func get() throws(TrustError) -> LegacyLibraryContext {
        switch shared {
        case .success(let context): context
        case .failure(let error): throw error
        }
    }

    private init() throws(TrustError) {
        guard let context = OSSL_LIB_CTX_new() else {
            throw TrustError.fromOpenSSL(.internalFailure, "OpenSSL could not make a library context for the legacy provider")
        }
        // The providers stay loaded for the life of the process, as the context does.
        guard OSSL_PROVIDER_load(context, "legacy") != nil else {
            let detail = OpenSSLErrorQueue.drainIfAny()
            OSSL_LIB_CTX_free(context)
            throw TrustError(
                .legacyProviderUnavailable,
                "OpenSSL's legacy provider (legacy.so, shipped in libssl3, e.g. /usr/lib/x86_64-linux-gnu/ossl-modules/legacy.so) "
                    + "cannot be loaded: DES-CBC, which the provincial receiver's token needs, is only there",
                openSSLDetail: detail
            )
        }
        guard OSSL_PROVIDER_load(context, "default") != nil else {
            let detail = OpenSSLErrorQueue.drainIfAny()
            OSSL_LIB_CTX_free(context)
            throw TrustError(.legacyProviderUnavailable, "OpenSSL's default provider cannot be loaded beside the legacy one", openSSLDetail: detail)
        }
        guard let cipher = EVP_CIPHER_fetch(context, "DES-CBC", nil) else {
            let detail = OpenSSLErrorQueue.drainIfAny()
            OSSL_LIB_CTX_free(context)
            throw TrustError(.legacyProviderUnavailable, "OpenSSL's legacy provider loaded but offers no DES-CBC", openSSLDetail: detail)
        }
        guard let digest = EVP_MD_fetch(context, "MD5", nil) else {
            let detail = OpenSSLErrorQueue.drainIfAny()
            EVP_CIPHER_free(cipher)
            OSSL_LIB_CTX_free(context)
            throw TrustError(.legacyProviderUnavailable, "OpenSSL's default provider offers no MD5", openSSLDetail: detail)
        }
        self.context = context
        self.desCBC = cipher
        self.md5 = digest
    }

    /// Whether the process's default library context would hand out DES-CBC: it must not, even
    /// after this context loaded the legacy provider (what the tests check).
    static var defaultContextOffersDES: Bool {
        guard let cipher = EVP_CIPHER_fetch(nil, "DES-CBC", nil) else {
            OpenSSLErrorQueue.clear()
            return false
        }
        EVP_CIPHER_free(cipher)
        return true
    }

    /// MD5 of `bytes`, through this context.
    func md5Digest(_ bytes: [UInt8]) throws(TrustError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { buffer in
                EVP_Digest(input.baseAddress, input.count, buffer.baseAddress, &length, md5, nil)
            }
        }
        guard ok == 1 else { throw TrustError.fromOpenSSL(.internalFailure, "OpenSSL's MD5 failed") }
        return Array(output.prefix(Int(length)))
    }
}
