#!/usr/bin/env python3
"""Writes Mappings/spec/datasets/<number>.yaml for every nationally numbered dataset of the
reference tables that has no hand-maintained file, and a fixture for each in
Tests/Fixtures/datasets/<number>.json.

    Ops/spec/generate-datasets.py [REFERENCE_DIR]
    Ops/spec/generate-datasets.py --stamp-disclosure [REFERENCE_DIR]

REFERENCE_DIR is the national-spec folder of the reference tables (default
../shared/reference/national-spec, relative to the repository root). Run it from anywhere; it
writes into the repository that holds it. A dataset file without the generated header is
hand-maintained and never touched; a generated one is rewritten. Python 3 standard library only.

--stamp-disclosure edits the hand-maintained files instead, and only one attribute of their field
lines: `disclosure: government` where the spec tables give the field 政务公开, none otherwise
(社会公开, the default). Everything else in those files is left as it is, so it can be run again
after any edit of them.

Mapping (the spec tables win over the receiver's configuration; a disagreement is noted in a
comment above the field):
  C9 / C..9 / C..ul    text with length 9 / maxLength 9 / no limit
  N..p,s / Np,s        decimal (the loader bounds decimals at 14 integer and 6 fraction digits)
  N..p / Np            integer with maxLength p / length p
  yyyyMMddHHmmss       datetime;  yyyyMMdd: date;  yyyyMMddHHmm: text of 12 digits
  a D:xxxx or E:NAME code list that deviations.yaml's codeLists maps to a shipped list whose
  codes fit the field's length: code; otherwise text, with a comment naming the list (so too a
  field whose 值域 says it holds several codes separated by semicolons)
  a region-checked 6-character code (the receiver's area code check): regionCode
  TENDER_PROJECT_CODE C20, BID_SECTION_CODE C23, UNIFIED_DEAL_CODE C40, PROJECT_CODE C17:
  tenderProjectCode, sectionCode, unifiedDealCode, projectCode
  a …_CODE whose 值域 is GB 11714 / GB 32100 / 主体代码: subjectCode (checked as the kind its shape says)
Fields that only the receiver has (no spec columns) are left out, except in a dataset the spec
tables give no field for, where the receiver's fields are followed.
"""

import csv
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = os.path.join(ROOT, "Mappings", "spec")
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "datasets")
HEADER = "# Generated from the reference tables (national-spec/fields.tsv) by Ops/spec/generate-datasets.py."

# Business keys the rules below would get wrong, with the reason.
IDENTIFIERS = {
    ("TENDER_PROJECT_CODE", "C20"): "tenderProjectCode",
    ("BID_SECTION_CODE", "C23"): "sectionCode",
    ("UNIFIED_DEAL_CODE", "C40"): "unifiedDealCode",
    ("PROJECT_CODE", "C17"): "projectCode",
}

SAMPLES = {
    "tenderProjectCode": "E4201000001000001001",
    "sectionCode": "E4201000001000001001001",
    "unifiedDealCode": "E420100000100000100100120261105000000001",
    "projectCode": "E4201000001000001",
    "regionCode": "420100",
    "subjectCode": "91420102MA4K010137",
    "datetime": "20260105093000",
    "date": "20260105",
    "decimal": "1250.50",
}

PERSONAL_WORDS = ("身份证", "证件号", "电话", "手机", "联系方式", "银行账户", "姓名", "通讯地址", "住址")


def is_national(code):
    return code.isdigit() and int(code) < 2000 and not 800 <= int(code) <= 909


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def code_lists():
    """Shipped code lists: name -> codes."""
    folder = os.path.join(SPEC, "codelists")
    lists = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".yaml"):
            text = open(os.path.join(folder, name), encoding="utf-8").read()
            list_name = re.search(r"^name:\s*(\S+)", text, re.M).group(1)
            lists[list_name] = re.findall(r'code:\s*"?([^",}]+)"?', text)
    return lists


def correspondence():
    """deviations.yaml's codeLists: our list name -> the reference's names for it."""
    text = open(os.path.join(SPEC, "deviations.yaml"), encoding="utf-8").read()
    section = text.split("\ncodeLists:\n", 1)[1].split("\ndeviations:", 1)[0]
    found = {}
    for line in section.splitlines():
        match = re.match(r"\s+(\w+):\s*\[(.*)\]", line)
        if match:
            found[match.group(1)] = [json.loads(part) for part in re.findall(r'"[^"]*"', match.group(2))]
    return found


def normalized_format(row):
    """The spec's format, or one built from the receiver's checks for a receiver-only field."""
    fmt = row["spec_format"].replace("．", ".").replace("C.ul", "C..ul").strip()
    if fmt.upper() == "YYYYMMDDHHMMSS":
        fmt = "yyyyMMddHHmmss"
    if fmt:
        return fmt
    kind = row["type"]
    if kind == "date":
        return "yyyyMMdd"
    if kind == "datetime":
        return row["format"] or "yyyyMMddHHmmss"
    if kind == "number":
        digits, fraction = row["number_int_digits"], row["number_dec_digits"]
        if fraction and fraction != "0":
            return "N..%d,%s" % (int(digits or 14) + int(fraction), fraction)
        return "N..%s" % digits if digits else "N..ul"
    if row["exact_length"]:
        return "C" + row["exact_length"]
    return "C.." + (row["max_length"] or "ul")


def length_of(fmt):
    """('length' | 'maxLength' | None, n) of a C or N format."""
    match = re.match(r"^[CN](\.\.)?(\d+)", fmt)
    if not match:
        return (None, None)
    return ("maxLength" if match.group(1) else "length", int(match.group(2)))


def list_for(row, fmt, lists, names):
    """The shipped code list the reference field's domain stands for, if its codes fit."""
    kind, size = length_of(fmt)
    for list_name, aliases in names.items():
        if any(alias == row["domain"] or (alias and alias in row["spec_domain"]) for alias in aliases):
            codes = lists.get(list_name, [])
            fits = codes and all((len(c) == size) if kind == "length" else (kind is None or len(c) <= size) for c in codes)
            return list_name, bool(fits)
    return None, False


def is_subject_code(row):
    """A subject's code (法人代码, 招标人代码…): 组织机构代码, 统一社会信用代码 or another document's
    number, checked as the kind its shape says."""
    code, domain = row["field_code"], row["spec_domain"]
    named = re.search(r"(_CODE|^BIDDER_NO|^TENDER_NO|^OWNER_NO)$", code) and "NAME" not in code
    return bool(named) and any(mark in domain for mark in ("11714", "32100", "参考主体代码"))


def field_of(row, lists, names, domain_names):
    """(yaml flow mapping, comments, sample type info) for one reference row."""
    code, label = row["field_code"], row["field_label"]
    fmt = normalized_format(row)
    required = row["spec_required"] == "是" if row["spec_type"] else row["required"] == "Y"
    comments = []
    entry = {"code": code, "label": label}
    kind, size = length_of(fmt)
    if fmt.startswith("N") and "," in fmt:
        entry["type"] = "decimal"
    elif fmt.startswith("N"):
        entry["type"] = "integer"
        if kind:
            entry[kind] = size
    elif fmt == "yyyyMMddHHmmss":
        entry["type"] = "datetime"
    elif fmt == "yyyyMMdd":
        entry["type"] = "date"
    elif fmt == "yyyyMMddHHmm":
        entry.update({"type": "text", "length": 12, "pattern": "[0-9]{12}"})
        comments.append("%s: yyyyMMddHHmm, which no field type reads; twelve digits." % label)
    else:
        list_name, fits = list_for(row, fmt, lists, names)
        identifier = IDENTIFIERS.get((code, fmt))
        several = "分号" in row["spec_domain"]
        if list_name and fits and not several:
            entry.update({"type": "code", "codeList": list_name})
            if kind:
                entry[kind] = size
        elif identifier:
            entry["type"] = identifier
        elif row["area_code_check"] and fmt == "C6":
            entry["type"] = "regionCode"
        elif is_subject_code(row):
            entry["type"] = "subjectCode"
            if kind:
                entry[kind] = size
        else:
            entry["type"] = "text"
            if kind:
                entry[kind] = size
            if list_name and several:
                comments.append("%s: several codes of list %s separated by semicolons; free text." % (label, list_name))
            elif list_name:
                comments.append("%s: code list %s, whose codes do not fit %s; free text." % (label, list_name, fmt))
            elif row["domain"]:
                known = domain_names.get(row["domain"])
                comments.append("%s: code list %s%s is not shipped; free text." % (label, row["domain"], " (%s)" % known if known else ""))
    if required:
        entry["required"] = True
    if (any(word in label for word in PERSONAL_WORDS) and not label.endswith("类型")) or "11643" in row["spec_domain"]:
        entry["personal"] = True
    if row["spec_disclosure"] == "政务公开":
        entry["disclosure"] = "government"
    if row["spec_type"]:
        receiver = normalized_format(dict(row, spec_format=""))
        if fmt.startswith("C") and receiver.startswith("C") and receiver != fmt:
            comments.append("%s: the receiver checks %s, the spec tables say %s: the spec is followed." % (code, receiver, fmt))
        if (row["required"] == "Y") != required:
            comments.append("%s: the receiver has it %s, the spec tables %s: the spec is followed."
                            % (code, "required" if row["required"] == "Y" else "optional", "require it" if required else "do not"))
        if row["notes"]:
            comments.append("%s: receiver note: %s." % (code, row["notes"]))
    return entry, comments


def scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if re.fullmatch(r"[^\s,:{}\[\]#&*!|>'\"%@`?-][^,:{}\[\]#&*!|>'\"%@`]*", value) and not value.endswith(" "):
        return value
    return json.dumps(value, ensure_ascii=False)


def flow(entry):
    return "{" + ", ".join("%s: %s" % (key, scalar(value)) for key, value in entry.items()) + "}"


def choose_key(code, dataset, rows):
    """The record key and how it was chosen: the spec identifies a record by its DATA_KEY (the
    sender's record id); a dataset whose field the receiver holds unique and unchangeable
    (PROJECT_CODE) keeps it as its business key."""
    required = {r["field_code"] for r in rows if r["spec_required"] == "是"}
    business = [r["field_code"] for r in rows if r["unique_value"] and r["cannot_modify"] and r["field_code"] in required]
    if business:
        return business, "the spec's business key (unique on insert, unchangeable on update)"
    return ["DATA_KEY"], "the sender's DATA_KEY, the spec's record id (no field of the dataset identifies a record)"


def duplicate_check(dataset, rows):
    """The receiver's duplicate check on insert (RepeatCols) over this platform's records, when
    every field of it is in the file (M_DATA_SOURCE, the sender, is implied)."""
    repeat = [c for c in dataset["repeat_cols"].split(",") if c and c != "M_DATA_SOURCE"]
    present = {r["field_code"] for r in rows}
    return repeat if repeat and all(c in present for c in repeat) else []


def sample(entry, lists):
    kind = entry["type"]
    if kind == "code":
        return lists[entry["codeList"]][0]
    if kind in SAMPLES:
        return SAMPLES[kind]
    if kind == "integer":
        return "1" + "0" * (entry.get("length", 1) - 1)
    if "pattern" in entry:
        return "202601050930"
    if "length" in entry:
        return "A" * entry["length"]
    return "样例"[: entry.get("maxLength", 2)]


def fixture(code, fields, key, lists):
    record = {entry["code"]: sample(entry, lists) for entry in fields}
    invalid = []
    missing = next((e for e in fields if e.get("required") and e["code"] not in key), None)
    if missing:
        invalid.append({"why": "missing %s" % missing["label"], "change": {missing["code"]: None},
                        "expect": ["field.required@" + missing["code"]]})
    bounded = next((e for e in fields if e["type"] == "text" and "maxLength" in e and "pattern" not in e), None)
    if bounded:
        invalid.append({"why": "%s too long" % bounded["label"], "change": {bounded["code"]: "长" * (bounded["maxLength"] + 1)},
                        "expect": ["field.length@" + bounded["code"]]})
    dated = next((e for e in fields if e["type"] in ("datetime", "date")), None)
    if dated:
        invalid.append({"why": "%s with separators" % dated["label"], "change": {dated["code"]: "2026-01-05"},
                        "expect": ["field.%s@%s" % ("datetime" if dated["type"] == "datetime" else "date", dated["code"])]})
    return {"dataset": code, "valid": [record], "invalid": invalid}


FIELD_LINE = re.compile(r"^(\s*- \{code: )([A-Za-z0-9_]+)(,.*?)(, disclosure: \w+)?(\}\s*(#.*)?)$")


def stamp_disclosure(datasets, rows_by_dataset):
    """Sets `disclosure: government` on the hand-maintained files' 政务公开 field lines, removes it elsewhere."""
    changed = 0
    for dataset in datasets:
        code = dataset["dataset_code"]
        path = os.path.join(SPEC, "datasets", code + ".yaml")
        if not os.path.exists(path):
            continue
        text = open(path, encoding="utf-8").read()
        if text.startswith(HEADER):
            continue  # generated: the generator writes the attribute itself
        government = {r["field_code"] for r in rows_by_dataset.get(code, []) if r["spec_disclosure"] == "政务公开"}
        lines = []
        for line in text.split("\n"):
            match = FIELD_LINE.match(line)
            if match:
                stamp = ", disclosure: government" if match.group(2) in government else ""
                line = match.group(1) + match.group(2) + match.group(3) + stamp + match.group(5)
            lines.append(line)
        stamped = "\n".join(lines)
        if stamped != text:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(stamped)
            changed += 1
    print("stamped disclosure in %d hand-maintained dataset files" % changed)


def main():
    arguments = sys.argv[1:]
    stamp = "--stamp-disclosure" in arguments
    arguments = [a for a in arguments if a != "--stamp-disclosure"]
    reference = arguments[0] if arguments else os.path.join(ROOT, "..", "shared", "reference", "national-spec")
    datasets = [d for d in read_tsv(os.path.join(reference, "datasets.tsv")) if is_national(d["dataset_code"])]
    rows_by_dataset = {}
    for row in read_tsv(os.path.join(reference, "fields.tsv")):
        rows_by_dataset.setdefault(row["dataset_code"], []).append(row)
    domain_names = {r["d_code"]: r["name_if_known"] for r in read_tsv(os.path.join(reference, "dictionary_types.tsv")) if r["name_if_known"]}
    if stamp:
        return stamp_disclosure(datasets, rows_by_dataset)
    lists, names = code_lists(), correspondence()
    written = 0
    for dataset in datasets:
        code = dataset["dataset_code"]
        path = os.path.join(SPEC, "datasets", code + ".yaml")
        if os.path.exists(path) and not open(path, encoding="utf-8").read().startswith(HEADER):
            continue  # hand-maintained
        rows = sorted(rows_by_dataset.get(code, []), key=lambda r: int(r["field_seq"]))
        spec_rows = [r for r in rows if r["spec_type"]]
        from_receiver = not spec_rows
        chosen = rows if from_receiver else spec_rows
        key, why = choose_key(code, dataset, chosen)
        public_only = all(r["spec_disclosure"] != "政务公开" for r in chosen)
        lines = [HEADER, "# Edit the generator or the reference, not this file; Shuniu's own additions go in a", "# hand-maintained file that replaces it."]
        if from_receiver:
            lines.append("# The spec tables give no field of this dataset: the receiver's configuration is followed.")
        lines += ['dataset: "%s"' % code, "name: %s" % dataset["dataset_name"], "label: %s" % scalar(dataset["dataset_label"])]
        if public_only:
            lines.append("# Unconditional: no field is 政务公开 in the spec tables.")
            lines.append("sharing: unconditional")
        else:
            lines.append("# Conditional: the spec tables mark fields of it 政务公开, for government use only.")
            lines.append("sharing: conditional")
        lines.append("# Key: %s." % why)
        lines.append("key: [%s]" % ", ".join(key))
        unique = duplicate_check(dataset, chosen)
        if unique:
            lines.append("# Duplicate check on insert: the receiver's RepeatCols.")
            lines.append("unique: [%s]" % ", ".join(unique))
        regions = [r["field_code"] for r in chosen if r["field_code"] == "REGION_CODE"]
        fields = []
        body = []
        for row in chosen:
            entry, comments = field_of(row, lists, names, domain_names)
            fields.append(entry)
            body += ["  # " + c for c in comments] + ["  - " + flow(entry)]
        if regions and any(e["code"] == "REGION_CODE" and e["type"] == "regionCode" for e in fields):
            lines.append("regionField: REGION_CODE")
        lines.append("fields:")
        lines += body
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        with open(os.path.join(FIXTURES, code + ".json"), "w", encoding="utf-8") as handle:
            json.dump(fixture(code, fields, key, lists), handle, ensure_ascii=False, indent=1)
            handle.write("\n")
        written += 1
    print("wrote %d dataset files" % written)


if __name__ == "__main__":
    main()
