/// The OpenAPI 3 document of the whole HTTP API, served at `/api/v1/openapi.json`.
///
/// Kept true by `OpenAPITests`: every route the router has is documented here and every path here
/// is a route; `$ref`s resolve. Edit it beside the route it describes.
enum OpenAPIDocument {
    static let json = #"""
{
  "openapi": "3.0.3",
  "info": {
    "title": "Shuniu (枢纽) hub API",
    "version": "1",
    "description": "The HTTP API of a Shuniu hub: trading platforms push records (signed); registered consumers (superior hubs, supervision platforms) pull the feed, read records and their versions and raise disputes (signed the same way, under the sharing types and their grants, every read audited); anyone may verify a certificate; operators' monitoring reads health and metrics. Every answer is JSON with sorted keys; times are ISO 8601 unless a field of the common data spec says yyyyMMddHHmmss (Beijing time)."
  },
  "servers": [{"url": "http://127.0.0.1:8480", "description": "embedded defaults"}],
  "paths": {
    "/healthz": {
      "get": {
        "operationId": "health",
        "summary": "The process runs.",
        "responses": {"200": {"description": "alive", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}}
      }
    },
    "/readyz": {
      "get": {
        "operationId": "readiness",
        "summary": "The process runs and its store answers.",
        "responses": {
          "200": {"description": "ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
          "503": {"description": "the store does not answer", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}}
        }
      }
    },
    "/metrics": {
      "get": {
        "operationId": "metrics",
        "summary": "Prometheus text exposition: ingest, delivery and queue figures.",
        "responses": {"200": {"description": "metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}}
      }
    },
    "/api/v1/openapi.json": {
      "get": {
        "operationId": "openAPIDocument",
        "summary": "This document.",
        "responses": {"200": {"description": "the OpenAPI 3 document", "content": {"application/json": {"schema": {"type": "object"}}}}}
      }
    },
    "/api/v1/records": {
      "post": {
        "operationId": "pushRecords",
        "summary": "A trading platform pushes records.",
        "description": "A platform without a mapping file sends spec-shaped records (IngestBatch). A platform with a mapping file (Mappings/platforms/<platform-id>.yaml) sends its own payload, JSON or XML as its mapping says; the hub keeps it verbatim, maps it and answers per record made. Signed with the five X-Shuniu-* headers over METHOD, path, timestamp, nonce and the body's digest: HMAC under the app secret (X-Shuniu-App-Key), or a registered certificate's key (X-Shuniu-Certificate; the certificate is verified again at each request); a timestamp outside the replay window or a nonce used before is refused.",
        "parameters": [
          {"$ref": "#/components/parameters/AppKey"},
          {"$ref": "#/components/parameters/Certificate"},
          {"$ref": "#/components/parameters/Timestamp"},
          {"$ref": "#/components/parameters/Nonce"},
          {"$ref": "#/components/parameters/SignatureMethod"},
          {"$ref": "#/components/parameters/Signature"}
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/IngestBatch"}},
            "application/xml": {"schema": {"type": "string", "description": "a mapped platform's own XML payload"}}
          }
        },
        "responses": {
          "200": {"description": "at least one record accepted or a duplicate; one result per record", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IngestResponse"}}}},
          "400": {"$ref": "#/components/responses/Refused"},
          "401": {"$ref": "#/components/responses/Refused"},
          "403": {"description": "the platform is suspended or its certification expired, the signing certificate's holder is not its operator, or every record was of a dataset it may not send", "content": {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/ErrorBody"}, {"$ref": "#/components/schemas/IngestResponse"}]}}}},
          "409": {"description": "the nonce was used before, or every record's key belongs to another platform", "content": {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/ErrorBody"}, {"$ref": "#/components/schemas/IngestResponse"}]}}}},
          "413": {"$ref": "#/components/responses/Refused"},
          "422": {"description": "every record was rejected, or a mapped payload made no record", "content": {"application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/ErrorBody"}, {"$ref": "#/components/schemas/IngestResponse"}]}}}},
          "429": {"$ref": "#/components/responses/RateLimited"},
          "503": {"$ref": "#/components/responses/Refused"}
        }
      }
    },
    "/api/v1/feed": {
      "get": {
        "operationId": "readFeed",
        "summary": "Record versions in commit order after a cursor, for a consumer",
        "description": "Keyset paging on the versions' commit order: a version is numbered when it commits, and every earlier number is visible by then, so a reader that follows `next` never skips or repeats one. Holds only datasets the consumer may read: 无条件共享, and 有条件共享 under a grant in force; 不予共享 never. Personal fields are masked (and named in `masked`) unless a grant covers personal data, 政务公开 fields unless a grant opens them to government use (`--government`). With `wait`, an empty page is held open until a version commits (answered within a second) or the time is up. The request target (path and query) is what is signed.",
        "parameters": [
          {"name": "after", "in": "query", "required": false, "schema": {"type": "string", "pattern": "^[0-9]+$", "default": "0"}, "description": "the `next` of the previous page; 0 from the start"},
          {"name": "datasets", "in": "query", "required": false, "schema": {"type": "string"}, "description": "dataset numbers, comma-separated; default every dataset the consumer may read. Asking for one it may not read is refused (403)."},
          {"name": "region", "in": "query", "required": false, "schema": {"type": "string", "pattern": "^[0-9]{2,12}$"}, "description": "region code prefix: 42 Hubei, 4201 Wuhan"},
          {"name": "platform", "in": "query", "required": false, "schema": {"type": "string", "pattern": "^[0-9A-Z]{11}$"}, "description": "only versions sent by this platform"},
          {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}, "description": "most versions in the page (feed.pageCap)"},
          {"name": "wait", "in": "query", "required": false, "schema": {"type": "string", "pattern": "^[0-9]+s?$"}, "description": "long-poll: seconds to hold an empty page open, at most 30 (feed.maxWaitSeconds)"},
          {"$ref": "#/components/parameters/ConsumerAppKey"},
          {"$ref": "#/components/parameters/ConsumerCertificate"},
          {"$ref": "#/components/parameters/Timestamp"},
          {"$ref": "#/components/parameters/Nonce"},
          {"$ref": "#/components/parameters/SignatureMethod"},
          {"$ref": "#/components/parameters/Signature"}
        ],
        "responses": {
          "200": {"description": "a page; `more` says whether to ask again at once", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FeedPage"}}}},
          "400": {"$ref": "#/components/responses/ReadRefused"},
          "401": {"$ref": "#/components/responses/ReadRefused"},
          "403": {"$ref": "#/components/responses/ReadRefused"},
          "409": {"$ref": "#/components/responses/ReadRefused"},
          "429": {"$ref": "#/components/responses/RateLimited"}
        }
      }
    },
    "/api/v1/records/{dataset}/{key}": {
      "get": {
        "operationId": "readRecord",
        "summary": "The latest version of one record, with its open disputes",
        "parameters": [
          {"$ref": "#/components/parameters/Dataset"},
          {"$ref": "#/components/parameters/Key"},
          {"$ref": "#/components/parameters/ConsumerAppKey"},
          {"$ref": "#/components/parameters/ConsumerCertificate"},
          {"$ref": "#/components/parameters/Timestamp"},
          {"$ref": "#/components/parameters/Nonce"},
          {"$ref": "#/components/parameters/SignatureMethod"},
          {"$ref": "#/components/parameters/Signature"}
        ],
        "responses": {
          "200": {"description": "the latest version", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Version"}}}},
          "404": {"$ref": "#/components/responses/ReadRefused"},
          "400": {"$ref": "#/components/responses/ReadRefused"},
          "401": {"$ref": "#/components/responses/ReadRefused"},
          "403": {"$ref": "#/components/responses/ReadRefused"},
          "409": {"$ref": "#/components/responses/ReadRefused"},
          "429": {"$ref": "#/components/responses/RateLimited"}
        }
      }
    },
    "/api/v1/records/{dataset}/{key}/versions": {
      "get": {
        "operationId": "readRecordVersions",
        "summary": "Every version of one record, oldest first",
        "parameters": [
          {"$ref": "#/components/parameters/Dataset"},
          {"$ref": "#/components/parameters/Key"},
          {"$ref": "#/components/parameters/ConsumerAppKey"},
          {"$ref": "#/components/parameters/ConsumerCertificate"},
          {"$ref": "#/components/parameters/Timestamp"},
          {"$ref": "#/components/parameters/Nonce"},
          {"$ref": "#/components/parameters/SignatureMethod"},
          {"$ref": "#/components/parameters/Signature"}
        ],
        "responses": {
          "200": {"description": "the record's history", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RecordHistory"}}}},
          "404": {"$ref": "#/components/responses/ReadRefused"},
          "400": {"$ref": "#/components/responses/ReadRefused"},
          "401": {"$ref": "#/components/responses/ReadRefused"},
          "403": {"$ref": "#/components/responses/ReadRefused"},
          "409": {"$ref": "#/components/responses/ReadRefused"},
          "429": {"$ref": "#/components/responses/RateLimited"}
        }
      }
    },
    "/api/v1/records/{dataset}/{key}/disputes": {
      "post": {
        "operationId": "raiseDispute",
        "summary": "Report that a field of a record looks wrong (疑义校核)",
        "description": "The dispute is routed to the record's source platform (its operators list it with `shuniu disputes`), marked on the record as read, and closed by a version from the platform that changes the disputed field, or by an operator's reasoned rejection. Nothing is deleted.",
        "parameters": [
          {"$ref": "#/components/parameters/Dataset"},
          {"$ref": "#/components/parameters/Key"},
          {"$ref": "#/components/parameters/ConsumerAppKey"},
          {"$ref": "#/components/parameters/ConsumerCertificate"},
          {"$ref": "#/components/parameters/Timestamp"},
          {"$ref": "#/components/parameters/Nonce"},
          {"$ref": "#/components/parameters/SignatureMethod"},
          {"$ref": "#/components/parameters/Signature"}
        ],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DisputeRequest"}}}},
        "responses": {
          "201": {"description": "the dispute as stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dispute"}}}},
          "404": {"$ref": "#/components/responses/ReadRefused"},
          "413": {"$ref": "#/components/responses/ReadRefused"},
          "400": {"$ref": "#/components/responses/ReadRefused"},
          "401": {"$ref": "#/components/responses/ReadRefused"},
          "403": {"$ref": "#/components/responses/ReadRefused"},
          "409": {"$ref": "#/components/responses/ReadRefused"},
          "429": {"$ref": "#/components/responses/RateLimited"}
        }
      }
    },
    "/api/v1/certificates/verify": {
      "post": {
        "operationId": "verifyCertificate",
        "summary": "The public verify service: is this certificate (and a signature made with it) recognized?",
        "description": "Judges a certificate from any recognized CA (RSA, ECDSA, SM2) against the hub's trust list and CRLs, at a given time or now, as a signer's certificate; with data and a detached signature (raw, or CMS/PKCS#7 SignedData) it also checks the signature. Stores nothing.",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CertificateCheck"}}}},
        "responses": {
          "200": {"description": "the verdict, valid or not", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CertificateVerdict"}}}},
          "400": {"$ref": "#/components/responses/Refused"},
          "413": {"$ref": "#/components/responses/Refused"},
          "503": {"$ref": "#/components/responses/Refused"}
        }
      }
    }
  },
  "components": {
    "parameters": {
      "AppKey": {"name": "X-Shuniu-App-Key", "in": "header", "required": false, "schema": {"type": "string", "maxLength": 128}, "description": "the platform's app key, for the HMAC methods"},
      "Certificate": {"name": "X-Shuniu-Certificate", "in": "header", "required": false, "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "description": "SHA-256 fingerprint (lower-case hex) of a certificate registered for the platform, for SM2-SM3, RSA-SHA256 and ECDSA-SHA256"},
      "ConsumerAppKey": {"name": "X-Shuniu-App-Key", "in": "header", "required": false, "schema": {"type": "string", "maxLength": 128}, "description": "the consumer's app key, for the HMAC methods"},
      "ConsumerCertificate": {"name": "X-Shuniu-Certificate", "in": "header", "required": false, "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "description": "SHA-256 fingerprint of the consumer's registered certificate (any recognized CA), for SM2-SM3, RSA-SHA256 and ECDSA-SHA256"},
      "Dataset": {"name": "dataset", "in": "path", "required": true, "schema": {"type": "string"}, "description": "dataset number, e.g. 502"},
      "Key": {"name": "key", "in": "path", "required": true, "schema": {"type": "string"}, "description": "the business key, percent-encoded; a composite key joins its fields with | (%7C)"},
      "Timestamp": {"name": "X-Shuniu-Timestamp", "in": "header", "required": true, "schema": {"type": "string", "pattern": "^[0-9]+$", "maxLength": 20}, "description": "Unix seconds"},
      "Nonce": {"name": "X-Shuniu-Nonce", "in": "header", "required": true, "schema": {"type": "string", "maxLength": 128}, "description": "unique per request, at most 128 bytes"},
      "SignatureMethod": {"name": "X-Shuniu-Signature-Method", "in": "header", "required": true, "schema": {"type": "string", "enum": ["HMAC-SHA256", "HMAC-SM3", "SM2-SM3", "RSA-SHA256", "ECDSA-SHA256"]}, "description": "matched exactly, upper case as listed"},
      "Signature": {"name": "X-Shuniu-Signature", "in": "header", "required": true, "schema": {"type": "string", "maxLength": 1024}, "description": "of METHOD\\npath (with ?query when there is one, exactly as sent)\\ntimestamp\\nnonce\\nbody digest: lower-case hex HMAC, or base64 of the certificate signature (DER for SM2 and ECDSA)"}
    },
    "responses": {
      "ReadRefused": {"description": "the read is refused (auth.*, consumer.suspended, sharing.not_shared, sharing.grant_required, read.bad_query, read.not_found, dispute.invalid); the refusal is audited", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}},
      "RateLimited": {"description": "read.rate_limited or platform.rate_limited: over the consumer's requests or the platform's pushes a minute; request.too_many_refusals: the caller's address was refused too often this minute and is turned away unread", "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds until a request will be taken"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}},
      "Refused": {"description": "the request as a whole is refused; nothing is stored; the refusal is audited (an unidentified caller's as its address's minute summary). An unknown app key or certificate is answered exactly as a bad signature (auth.bad_signature); a signature header over its bound (app key 128, nonce 128, timestamp 20, method 32, certificate 64, signature 1024 bytes) is auth.header_too_long, 401", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
    },
    "schemas": {
      "Version": {
        "type": "object", "required": ["data", "dataset", "key", "version", "hubId", "sourcePlatform", "specVersion", "contentHash", "receivedAt", "operation"],
        "description": "one record version in the common spec's shape with its provenance: what push destinations receive too (they get idempotencyKey, consumers sequence)",
        "properties": {
          "data": {"type": "object", "additionalProperties": {"type": "string"}, "description": "normalized field code → value"},
          "extra": {"type": "object", "additionalProperties": {"type": "string"}, "description": "fields the record carried that its dataset does not define, kept as text (each was answered with a field.unknown warning); absent when none"},
          "dataset": {"type": "string"}, "key": {"type": "string"}, "version": {"type": "integer"},
          "hubId": {"type": "integer", "format": "int64"}, "sourcePlatform": {"type": "string"}, "regionCode": {"type": "string", "nullable": true},
          "specVersion": {"type": "string"}, "contentHash": {"type": "string", "description": "SHA-256 of the stored (unmasked) data, followed by a line feed and extra when there is one"},
          "receivedAt": {"type": "string", "format": "date-time"},
          "operation": {"type": "string", "enum": ["insert", "update", "delete"], "description": "what the version did (the spec's DATA_TYPE 1, 2, 3): a delete is a tombstone carrying the record's last data; the record reads as deleted, nothing is erased"},
          "dataKey": {"type": "string", "description": "the sending platform's own id of the record (the spec's DATA_KEY), when it gave one"},
          "sequence": {"type": "integer", "format": "int64", "description": "position in commit order"},
          "idempotencyKey": {"type": "string"},
          "masked": {"type": "array", "items": {"type": "string"}, "description": "fields masked for this reader: personal ones, 政务公开 ones without a government grant, and kept unknown fields that look personal (as extra.NAME)"},
          "disputes": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"}, "field": {"type": "string"}, "reason": {"type": "string"}, "raisedAt": {"type": "string", "format": "date-time"}, "version": {"type": "integer"}}}, "description": "open disputes about the record"},
          "flags": {"type": "array", "items": {"type": "object", "properties": {"code": {"type": "string"}, "path": {"type": "string"}, "label": {"type": "string"}, "message": {"type": "string"}}}, "description": "what a supervisor must see about this version: the warnings it was accepted with (deadline.missed, participant.listed); the path is as the platform sent it"},
          "withdrawnBy": {"type": "array", "items": {"type": "object", "properties": {"dataset": {"type": "string"}, "key": {"type": "string"}, "version": {"type": "integer"}, "at": {"type": "string", "format": "date-time"}}}, "description": "the records that withdrew this one (a 303 撤销黑名单信息 for a 302 黑名单信息): the record stays, marked withdrawn"}
        }
      },
      "FeedPage": {
        "type": "object", "required": ["versions", "next", "more"],
        "properties": {
          "versions": {"type": "array", "items": {"$ref": "#/components/schemas/Version"}},
          "next": {"type": "string", "description": "the cursor for the next page (opaque; pass it as after)"},
          "more": {"type": "boolean", "description": "versions past next are committed already"}
        }
      },
      "RecordHistory": {
        "type": "object", "required": ["dataset", "key", "versions"],
        "properties": {"dataset": {"type": "string"}, "key": {"type": "string"}, "versions": {"type": "array", "items": {"$ref": "#/components/schemas/Version"}}}
      },
      "DisputeRequest": {
        "type": "object", "required": ["field", "reason"],
        "properties": {"field": {"type": "string", "description": "the field code in doubt, e.g. BID_PRICE"}, "reason": {"type": "string", "maxLength": 2000}}
      },
      "Dispute": {
        "type": "object", "required": ["id", "dataset", "key", "platform", "version", "field", "reason", "raisedBy", "raisedAt", "status"],
        "properties": {
          "id": {"type": "integer"}, "dataset": {"type": "string"}, "key": {"type": "string"}, "platform": {"type": "string"},
          "version": {"type": "integer"}, "field": {"type": "string"}, "fieldLabel": {"type": "string"}, "reason": {"type": "string"},
          "raisedBy": {"type": "string"}, "raisedAt": {"type": "string", "format": "date-time"},
          "status": {"type": "string", "enum": ["open", "corrected", "rejected"]},
          "resolvedBy": {"type": "string"}, "resolvedAt": {"type": "string", "format": "date-time"}, "resolution": {"type": "string"}, "correctedVersion": {"type": "integer"}
        }
      },
      "Status": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"}, "store": {"type": "string", "description": "/readyz: the storage engine, sqlite or postgres"}, "reason": {"type": "string"}}},
      "ErrorBody": {
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string", "description": "stable, e.g. auth.bad_signature"}, "message": {"type": "string"}}}}
      },
      "IngestBatch": {
        "type": "object", "required": ["records"],
        "properties": {"records": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/SpecRecord"}}}
      },
      "SpecRecord": {
        "type": "object", "required": ["dataset"],
        "properties": {
          "dataset": {"type": "string", "description": "dataset number of the common spec, e.g. 500"},
          "dataKey": {"type": "string", "maxLength": 100, "description": "the platform's own id of the record (the spec's DATA_KEY), scoped to the platform: the record's identity in datasets whose key ends in DATA_KEY (required there, record.data_key_missing), kept beside the key elsewhere; 1–100 characters without blanks or |"},
          "operation": {"type": "string", "enum": ["insert", "update", "delete", "1", "2", "3"], "description": "the spec's DATA_TYPE; absent: insert or update, whichever the identity makes it. insert of a live record is record.exists, update or delete of one the hub does not hold record.unknown; delete of another platform's record record.key_owned_by_other_platform. A delete names its record by dataKey or by its key fields in data, whose other fields are not checked; it is stored as a tombstone version and delivered where the record went"},
          "data": {"type": "object", "additionalProperties": {"type": "string"}, "description": "field code → value (amounts as decimal strings, times yyyyMMddHHmmss); optional for a delete. An insert whose duplicate-check fields (the spec's RepeatCols) equal another live record's of the platform is record.duplicate_values"},
          "signature": {"$ref": "#/components/schemas/RecordSignature"}
        }
      },
      "RecordSignature": {
        "type": "object", "required": ["value"],
        "description": "a detached signature over the UTF-8 canonical JSON of data as sent",
        "properties": {
          "format": {"type": "string", "enum": ["raw", "cms"], "default": "cms"},
          "value": {"type": "string", "format": "byte"},
          "certificate": {"type": "string", "description": "PEM or base64 DER; required for raw"},
          "chain": {"type": "array", "items": {"type": "string"}},
          "algorithm": {"type": "string", "enum": ["rsa-pkcs1-sha256", "rsa-pkcs1-sha384", "rsa-pss-sha256", "rsa-pss-sha384", "ecdsa-sha256", "ecdsa-sha384", "sm2-sm3"]}
        }
      },
      "Problem": {
        "type": "object", "required": ["code", "path", "message"],
        "properties": {
          "code": {"type": "string", "description": "stable: record.*, field.*, id.*, rule.*, reference.*, mapping.*, deadline.missed"},
          "path": {"type": "string", "description": "JSON path into the request, or into a mapped platform's own payload"},
          "label": {"type": "string", "description": "the field's Chinese label in the spec"},
          "message": {"type": "string"}
        }
      },
      "ProblemGroup": {
        "type": "object", "required": ["code", "path", "count", "instances"],
        "properties": {
          "code": {"type": "string"}, "path": {"type": "string", "description": "array positions as [*]"}, "label": {"type": "string"},
          "count": {"type": "integer"},
          "instances": {"type": "array", "items": {"type": "object", "required": ["path", "message"], "properties": {"path": {"type": "string"}, "message": {"type": "string"}}}}
        }
      },
      "RecordResult": {
        "type": "object", "required": ["index", "status"],
        "properties": {
          "index": {"type": "integer"}, "dataset": {"type": "string"}, "key": {"type": "string"},
          "status": {"type": "string", "enum": ["accepted", "duplicate", "rejected"]},
          "hubId": {"type": "integer", "format": "int64"}, "version": {"type": "integer"},
          "problems": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}},
          "warnings": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}}
        }
      },
      "IngestResponse": {
        "type": "object", "required": ["accepted", "duplicate", "rejected", "results"],
        "properties": {
          "accepted": {"type": "integer"}, "duplicate": {"type": "integer"}, "rejected": {"type": "integer"},
          "results": {"type": "array", "items": {"$ref": "#/components/schemas/RecordResult"}},
          "problemGroups": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemGroup"}, "description": "present when the batch has more than 10 problems"}
        }
      },
      "CertificateCheck": {
        "type": "object", "required": ["certificate"],
        "properties": {
          "certificate": {"type": "string", "description": "PEM, or base64 of DER"},
          "chain": {"type": "array", "items": {"type": "string"}, "description": "extra chain certificates, PEM or base64 DER"},
          "data": {"type": "string", "format": "byte"},
          "signature": {"type": "string", "format": "byte", "description": "raw signature, or CMS/PKCS#7 SignedData (DER)"},
          "signatureFormat": {"type": "string", "enum": ["raw", "cms"]},
          "algorithm": {"type": "string", "enum": ["rsa-pkcs1-sha256", "rsa-pkcs1-sha384", "rsa-pss-sha256", "rsa-pss-sha384", "ecdsa-sha256", "ecdsa-sha384", "sm2-sm3"]},
          "at": {"type": "string", "description": "ISO 8601, or yyyyMMddHHmmss in Beijing time"}
        }
      },
      "Reason": {
        "type": "object", "required": ["code", "message"],
        "properties": {
          "code": {"type": "string", "description": "expired, notYetValid, revoked, crlMissing, staleCRL, crlInvalid, unknownCA, brokenChain, badSignature, keyUsage, basicConstraints, pathLength, notRecognized, keyAlgorithm, identity, signature, openssl.<n>"},
          "message": {"type": "string"}, "depth": {"type": "integer"}
        }
      },
      "HolderIdentity": {
        "type": "object", "required": ["kind", "code", "codeType", "name", "ca", "serial"],
        "properties": {
          "kind": {"type": "string", "enum": ["organization", "person"]},
          "code": {"type": "string"},
          "codeType": {"type": "string", "enum": ["creditCode", "residentID", "organizationCode"]},
          "name": {"type": "string"}, "ca": {"type": "string"}, "serial": {"type": "string"},
          "notBefore": {"type": "string", "format": "date-time"}, "notAfter": {"type": "string", "format": "date-time"}
        }
      },
      "CertificateVerdict": {
        "type": "object", "required": ["valid", "reasons", "warnings", "chain", "at", "revocationEvidence"],
        "properties": {
          "valid": {"type": "boolean"},
          "reasons": {"type": "array", "items": {"$ref": "#/components/schemas/Reason"}},
          "warnings": {"type": "array", "items": {"$ref": "#/components/schemas/Reason"}},
          "ca": {"type": "object", "required": ["id", "name"], "properties": {"id": {"type": "string"}, "name": {"type": "string"}}},
          "identity": {"$ref": "#/components/schemas/HolderIdentity"},
          "chain": {"type": "array", "items": {"type": "object", "properties": {
            "subject": {"type": "string"}, "issuer": {"type": "string"}, "serial": {"type": "string"},
            "notBefore": {"type": "string", "format": "date-time"}, "notAfter": {"type": "string", "format": "date-time"},
            "keyAlgorithm": {"type": "string"}, "sha256": {"type": "string"}}}},
          "at": {"type": "string", "format": "date-time"},
          "revocationEvidence": {"type": "array", "items": {"type": "string"}}
        }
      }
    }
  }
}
"""#
}
