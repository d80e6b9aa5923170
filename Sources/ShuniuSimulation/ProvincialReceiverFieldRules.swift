import ShuniuCore
import ShuniuSpec

/// The provincial receiver's checks of a record's CONTEXT, as its validators make them: the
/// trailer every insert and update carries, then the dataset's own fields. Each answers the first
/// problem as the receiver words it (Chinese, naming the field by code and label), or nil.
enum ProvincialReceiverFieldRules {
    /// A trailer field: code, label and exact length (nil: a `yyyyMMddHHmmss` time).
    private struct TrailerField {
        var code: String
        var label: String
        var length: Int?
    }

    private static let trailer = [
        TrailerField(code: "PLATFORM_CODE", label: "交易系统标识码", length: 18),
        TrailerField(code: "PUB_SERVICE_PLAT_CODE", label: "交易服务系统标识码", length: 18),
        TrailerField(code: "DATA_TIMESTAMP", label: "数据时间戳", length: nil),
    ]

    /// Asked only of the trading datasets (500–523, their provincial copies 800–909 and Fujian's
    /// 9000–9640).
    private static let platformTrailer = [
        TrailerField(code: "TRADE_PLAT", label: "交易平台或发布工具标识码", length: 11),
        TrailerField(code: "PUB_SERVICE_PLAT", label: "公共服务平台标识码", length: 11),
    ]

    private static func asksPlatformTrailer(_ dataNo: Int) -> Bool {
        (500...523).contains(dataNo) || (800...909).contains(dataNo) || (9000...9640).contains(dataNo)
    }

    /// The first problem of the trailer (Context5FieldValidator): PLATFORM_CODE,
    /// PUB_SERVICE_PLAT_CODE, DATA_TIMESTAMP, and for trading datasets TRADE_PLAT and
    /// PUB_SERVICE_PLAT; PLATFORM_CODE must be one the sender registered.
    static func trailerProblem(dataNo: String, values: [String: String], systemNo: String, platformCodes: Set<String>) -> String? {
        let fields = trailer + (Int(dataNo).map(asksPlatformTrailer) == true ? platformTrailer : [])
        for field in fields {
            let name = "字段\(field.code)(\(field.label))"
            guard let value = values[field.code] else { return "\(name)不能为空" }
            if let length = field.length {
                if value.utf16.count != length { return "\(name)长度必须为\(length)位" }
            } else if SpecTime.parseDateTime(value) == nil {
                return "\(name)格式必须为yyyyMMddHHmmss"
            }
        }
        if let code = values["PLATFORM_CODE"], !platformCodes.contains(code) {
            return "交易系统标识码PLATFORM_CODE(\(code))未在系统\(systemNo)中登记"
        }
        return nil
    }

    /// The first problem of the dataset's fields, in the spec's order: a required field absent
    /// (an empty value is null), a length in UTF-16 units (an exact length applies to each
    /// `;`-separated part), a time or date not in the spec's format.
    static func fieldProblem(dataset: DatasetSpec, values: [String: String]) -> String? {
        for field in dataset.fields {
            let name = "字段\(field.code)(\(field.label))"
            guard let value = values[field.code] else {
                if field.required { return "\(name)不能为空" }
                continue
            }
            if let length = field.length,
               value.split(separator: ";", omittingEmptySubsequences: false).contains(where: { $0.utf16.count != length }) {
                return "\(name)长度必须为\(length)位"
            }
            if let maxLength = field.maxLength, value.utf16.count > maxLength {
                return "\(name)长度不能超过\(maxLength)位"
            }
            switch field.type {
            case .datetime where SpecTime.parseDateTime(value) == nil:
                return "\(name)格式必须为yyyyMMddHHmmss"
            case .date where value.utf8.count != 8 || SpecTime.parseDateTime(value + "000000") == nil:
                return "\(name)格式必须为yyyyMMdd"
            default:
                continue
            }
        }
        return nil
    }
}
