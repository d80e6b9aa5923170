import ShuniuCore

/// One pull connector: a trading platform that does not push, polled through its own API.
/// Read from the configuration's `connectors:` list, each item a mapping with these keys:
///
/// | key | type | default | |
/// |---|---|---|---|
/// | `name` | `[a-z0-9-]+` | required | unique; the CLI, logs and the stored cursor use it |
/// | `platform` | 交易平台标识码 | required | must be registered (checked at each run, not at start-up) |
/// | `baseURL` | http(s) URL | required | endpoint paths are appended to it |
/// | `endpoints` | mapping name → path, or a list of paths | required | one per dataset or payload kind; each keeps its own cursor |
/// | `paging` | page, cursor, since | `page` | how to walk through the platform's records |
/// | `pageSize` | 1–10000 | 100 | sent as `sizeParam` with every style |
/// | `sizeParam` | string | `pageSize` | |
/// | `pageParam` | string | `page` | page: the page number's parameter |
/// | `firstPage` | 0–1 | 1 | page: the number of the first page |
/// | `cursorParam` | string | `cursor` | cursor: the parameter that passes the cursor back |
/// | `cursorPath` | payload path | required for cursor | cursor: where a response gives the next cursor (`paging.next`) |
/// | `sinceParam` | string | `since` | since: the modified-since parameter |
/// | `timePath` | payload path | required for since | since: each item's modification time, from the item |
/// | `start` | string | none | the first run's cursor or since time (page: the first page) |
/// | `itemsPath` | payload path | the page itself; `records` without a mapping file | the page's items, to count them (a short or empty page ends a run) and read their times |
/// | `auth` | none, bearer, hmac | `none` | |
/// | `tokenFile` | path | bearer: required | file holding the bearer token (secret; read at every run, so it may be rotated) |
/// | `appKey` | string | hmac: required | the hub's key at the platform |
/// | `secretFile` | path | hmac: required | file holding the HMAC secret (secret) |
/// | `signatureMethod` | HMAC-SHA256, HMAC-SM3 | `HMAC-SHA256` | hmac: signs the hub's canonical request (`GET`, path, timestamp, nonce, digest of the empty body) |
/// | `intervalSeconds` | 1–86400 | 300 | between the end of one run and the next |
/// | `timeoutSeconds` | 1–600 | 30 | per page request |
/// | `pageLimit` | 1–10000 | 20 | pages per endpoint per run; the rest waits for the next run |
/// | `retrySeconds` | 1–3600 | 5 | first wait after a failed run, doubling, ±20 % jitter |
/// | `maxRetrySeconds` | 1–86400 | 600 | the longest wait after failures |
///
/// No value here is secret: tokens and secrets stay in their files and are never logged.
public struct ConnectorConfiguration: Sendable, Equatable {
    /// How a platform's API pages through its records.
    public enum Paging: String, Sendable, CaseIterable {
        /// Page number and page size; a short or empty page is the last.
        case page
        /// Each response names the next cursor; none (or the same) is the last page.
        case cursor
        /// Records modified at or after a time; the cursor kept is the latest time seen.
        case since
    }

    /// How the hub proves itself to the platform's API.
    public enum Authentication: Sendable, Equatable {
        case none
        /// `Authorization: Bearer <token>`, the token read from the file.
        case bearer(tokenFile: String)
        /// The `X-Shuniu-*` headers, signed as the hub's own canonical request.
        case hmac(appKey: String, secretFile: String, method: SignatureMethod)
    }

    /// One path to poll, named so that its cursor survives a reordering of the list.
    public struct Endpoint: Sendable, Equatable {
        public var name: String
        /// Appended to the base URL; may carry a fixed query (`/records?type=500`).
        public var path: String

        public init(name: String, path: String) {
            self.name = name
            self.path = path
        }
    }

    public var name: String
    public var platform: PlatformID
    public var baseURL: String
    public var endpoints: [Endpoint]
    public var paging: Paging = .page
    public var pageSize = 100
    public var sizeParam = "pageSize"
    public var pageParam = "page"
    public var firstPage = 1
    public var cursorParam = "cursor"
    public var cursorPath: String?
    public var sinceParam = "since"
    public var timePath: String?
    public var start: String?
    public var itemsPath: String?
    public var authentication: Authentication = .none
    public var intervalSeconds = 300
    public var timeoutSeconds = 30
    public var pageLimit = 20
    public var retrySeconds = 5
    public var maxRetrySeconds = 600

    public init(name: String, platform: PlatformID, baseURL: String, endpoints: [Endpoint], paging: Paging = .page) {
        self.name = name
        self.platform = platform
        self.baseURL = baseURL
        self.endpoints = endpoints
        self.paging = paging
    }
}
