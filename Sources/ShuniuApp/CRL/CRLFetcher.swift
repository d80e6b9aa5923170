import Foundation
import ShuniuTransport
import ShuniuTrust

/// Fetches one CRL URL with libcurl and caches the answer only when it is a CRL signed by the
/// CA the URL belongs to and no older than the one already cached.
struct CRLFetcher: Sendable {
    let send: CRLRefresher.Send
    let cache: CRLCache
    let timeoutSeconds: Int

    /// Larger than any CA's full CRL; a server sending more is broken or hostile, and its answer
    /// is dropped at this size instead of filling memory.
    static let maxCRLBytes = 64 << 20

    /// What a good fetch found.
    struct Fetched: Sendable {
        var crl: X509CRL
        /// False when the cache already held exactly these bytes.
        var changed: Bool
    }

    func fetch(_ source: CRLSource, of authority: RecognizedCA, now: Date) async -> Result<Fetched, CRLFetchError> {
        let response: ReceivedResponse
        do {
            response = try await send(OutgoingRequest(method: "GET", url: source.url, timeoutSeconds: timeoutSeconds, maxResponseBytes: Self.maxCRLBytes))
        } catch let error as TransportError {
            return .failure(CRLFetchError(.transport, error.message))
        } catch {
            return .failure(CRLFetchError(.transport, "\(error)"))
        }
        guard response.status == 200 else {
            return .failure(CRLFetchError(.httpStatus, "HTTP \(response.status)"))
        }
        let cache = cache
        // Parsing a large CRL and checking its signature block: off the cooperative pool.
        return await Self.onOwnThread {
            let cached = cache.cached(ca: authority.id, url: source.url)
            return Self.check(response.body, source: source, authority: authority, cached: cached, now: now).flatMap { fetched in
                guard fetched.changed else { return .success(fetched) }
                do {
                    try cache.store(response.body, ca: authority.id, url: source.url)
                    return .success(fetched)
                } catch {
                    return .failure(CRLFetchError(.cache, "cannot write the cache: \(error)"))
                }
            }
        }
    }

    /// Accepts `bytes` as `source`'s CRL when it parses, a certificate of `authority` (or the
    /// source's recorded issuer, if that still chains to the CA) signed it, and it is not older
    /// than `cached`.
    static func check(_ bytes: [UInt8], source: CRLSource, authority: RecognizedCA, cached: [UInt8]?, now: Date) -> Result<Fetched, CRLFetchError> {
        let crl: X509CRL
        do {
            crl = try X509CRL(bytes)
        } catch {
            return .failure(CRLFetchError(.malformed, "not a CRL (\(bytes.count) bytes): \(error.message)"))
        }
        let signers = authority.certificates + recordedIssuer(of: source, authority: authority, now: now)
        let named = signers.filter { $0.subject == crl.issuer }
        guard !named.isEmpty else {
            return .failure(CRLFetchError(.wrongSigner, "issued by \(crl.issuer), which is not a certificate of \(authority.id)"))
        }
        guard named.contains(where: { crl.verifySignature(issuer: $0, sm2ID: authority.manifest.sm2ID) }) else {
            return .failure(CRLFetchError(.wrongSigner, "signature does not verify with \(authority.id)'s certificate \(crl.issuer)"))
        }
        if let cached, let held = try? X509CRL(cached) {
            if held.der == crl.der { return .success(Fetched(crl: crl, changed: false)) }
            if crl.thisUpdate < held.thisUpdate {
                return .failure(CRLFetchError(.older, "thisUpdate \(CRLSource.time(crl.thisUpdate)) is older than the cached CRL's \(CRLSource.time(held.thisUpdate))"))
            }
        }
        return .success(Fetched(crl: crl, changed: true))
    }

    /// The intermediate recorded with a learned URL, when it still chains to the CA's roots.
    static func recordedIssuer(of source: CRLSource, authority: RecognizedCA, now: Date) -> [X509Certificate] {
        guard let text = source.issuer, let der = Data(base64Encoded: text),
              let certificate = try? X509Certificate([UInt8](der)) else { return [] }
        let options = ChainVerifier.Options(sm2DistinguishingID: authority.manifest.sm2ID, revocation: ChainVerifier.RevocationCheck.none)
        guard let verifier = try? ChainVerifier(anchors: authority.roots, intermediates: authority.intermediates, options: options),
              verifier.verify(certificate, at: now).isValid else { return [] }
        return [certificate]
    }

    /// Runs `work` on a thread of its own: neither a cooperative thread nor a Dispatch worker
    /// (which the store needs) waits on OpenSSL.
    static func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.name = "shuniu-crl"
            thread.start()
        }
    }
}
