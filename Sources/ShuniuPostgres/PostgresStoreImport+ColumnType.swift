import Foundation
import PostgresNIO
import ShuniuCore

extension PostgresStoreImport {
    /// A column's type in the database, as the copy converts a ``StoredValue`` to it.
    enum ColumnType: Sendable, Equatable {
        case text, integer, real, boolean, timestamp, date, bytea

        /// From `information_schema.columns.data_type`; nil for a type the copy does not convert to.
        init?(dataType: String) {
            switch dataType {
            case "text", "character varying", "character": self = .text
            case "integer", "bigint", "smallint": self = .integer
            case "double precision", "real", "numeric": self = .real
            case "boolean": self = .boolean
            case "timestamp with time zone": self = .timestamp
            case "date": self = .date
            case "bytea": self = .bytea
            default: return nil
            }
        }

        /// Why a value does not fit its column.
        struct Mismatch: Error {
            var reason: String
        }

        /// Binds `value` and gives the SQL expression that stands for it in a VALUES list.
        func placeholder(for value: StoredValue, bindings: inout PostgresBindings) throws -> String {
            if case .null = value { return "NULL" }
            let next = "$\(bindings.count + 1)"
            switch (self, value) {
            case (.text, .text(let text)):
                bindings.append(text)
                return next
            case (.integer, .integer(let number)):
                bindings.append(number)
                return next
            case (.real, .real(let number)):
                bindings.append(number)
                return next
            case (.real, .integer(let number)):
                bindings.append(Double(number))
                return next
            case (.boolean, .integer(let flag)) where flag == 0 || flag == 1:
                bindings.append(flag == 1)
                return next
            case (.timestamp, .text(let text)):
                // SQLite's stored times are UTC without a zone; PostgreSQL reads the text exactly
                // (to the microsecond, where a Date would be rounded through a Double).
                guard let zoned = Self.utcTimestamp(text) else {
                    throw Mismatch(reason: "\"\(text)\" is not a stored time (yyyy-MM-dd HH:mm:ss.SSS, UTC)")
                }
                bindings.append(zoned)
                return "\(next)::timestamptz"
            case (.timestamp, .real(let seconds)):
                bindings.append(seconds)
                return "to_timestamp(\(next))"
            case (.timestamp, .integer(let seconds)):
                bindings.append(Double(seconds))
                return "to_timestamp(\(next))"
            case (.date, .text(let text)):
                guard Self.isDay(text) else { throw Mismatch(reason: "\"\(text)\" is not a day (yyyy-MM-dd)") }
                bindings.append(text)
                return "\(next)::date"
            case (.bytea, .blob(let bytes)):
                bindings.append(ByteBuffer(bytes: bytes))
                return next
            case (.bytea, .text(let text)):
                // SQLite keeps what was bound: text in a blob column is its UTF-8 bytes.
                bindings.append(ByteBuffer(string: text))
                return next
            default:
                throw Mismatch(reason: "\(value.kind) cannot be stored as \(self)")
            }
        }

        /// `yyyy-MM-dd HH:mm[:ss[.fraction]]` (or with `T`) as UTC text PostgreSQL reads; nil otherwise.
        static func utcTimestamp(_ text: String) -> String? {
            let bytes = Array(text.utf8)
            guard bytes.count >= 16, isDay(String(decoding: bytes[0..<10], as: UTF8.self)),
                  bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"),
                  digits(bytes[11..<13]), bytes[13] == UInt8(ascii: ":"), digits(bytes[14..<16])
            else { return nil }
            var rest = bytes[16...]
            if !rest.isEmpty {
                guard rest.count >= 3, rest[rest.startIndex] == UInt8(ascii: ":"), digits(rest.dropFirst().prefix(2)) else { return nil }
                rest = rest.dropFirst(3)
                if !rest.isEmpty {
                    guard rest.count >= 2, rest[rest.startIndex] == UInt8(ascii: "."), digits(rest.dropFirst()) else { return nil }
                }
            }
            return text + "+00"
        }

        /// `yyyy-MM-dd`.
        static func isDay(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            return bytes.count == 10 && digits(bytes[0..<4]) && bytes[4] == UInt8(ascii: "-") && digits(bytes[5..<7])
                && bytes[7] == UInt8(ascii: "-") && digits(bytes[8..<10])
        }

        private static func digits(_ bytes: ArraySlice<UInt8>) -> Bool {
            !bytes.isEmpty && bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }
    }
}

extension StoredValue {
    /// The storage class's name, for a message.
    fileprivate var kind: String {
        switch self {
        case .null: "null"
        case .integer: "an integer"
        case .real: "a real number"
        case .text: "text"
        case .blob: "a blob"
        }
    }
}
