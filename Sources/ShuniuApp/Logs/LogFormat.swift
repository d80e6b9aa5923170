/// How log lines are written (`log.format`): `text` for people reading a terminal or journal,
/// `json` (one object a line, ``JSONLogHandler``) for log collectors.
public enum LogFormat: String, CaseIterable, Sendable {
    case text
    case json
}
