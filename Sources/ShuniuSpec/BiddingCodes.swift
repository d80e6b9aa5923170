import ShuniuCore

/// The structured codes of the e-bidding spec (技术规范 Appendix B):
/// 项目编号 = 交易平台标识码 (11) + 6 digits; 招标项目编号 = 项目编号 + 3 digits;
/// 标段(包)编号 = 招标项目编号 + 3 digits; 统一交易标识码 is an opaque 40 characters.
public enum BiddingCodes {
    public static func projectCodeProblem(_ text: String) -> String? {
        guard text.count == 17 else { return "项目编号 must be 17 characters, has \(text.count)" }
        guard PlatformID.isWellFormed(String(text.prefix(11))) else { return "the first 11 characters must be a platform code [0-9A-Z]{11}" }
        guard allDigits(text.suffix(6)) else { return "characters 12–17 must be a 6-digit project serial number" }
        return nil
    }

    public static func tenderProjectCodeProblem(_ text: String) -> String? {
        guard text.count == 20 else { return "招标项目编号 must be 20 characters, has \(text.count)" }
        if let problem = projectCodeProblem(String(text.prefix(17))) { return "its project code part: \(problem)" }
        guard allDigits(text.suffix(3)) else { return "characters 18–20 must be a 3-digit tender project serial number" }
        return nil
    }

    public static func sectionCodeProblem(_ text: String) -> String? {
        guard text.count == 23 else { return "标段(包)编号 must be 23 characters, has \(text.count)" }
        if let problem = tenderProjectCodeProblem(String(text.prefix(20))) { return "its tender project part: \(problem)" }
        guard allDigits(text.suffix(3)) else { return "characters 21–23 must be a 3-digit section serial number" }
        return nil
    }

    public static func unifiedDealCodeProblem(_ text: String) -> String? {
        guard text.count == 40 else { return "统一交易标识码 must be 40 characters, has \(text.count)" }
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }) else { return "must be digits and upper-case letters" }
        return nil
    }

    static func allDigits(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
