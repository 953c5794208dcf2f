"""Reads conform's CSV, OCSF, ASFF and JUnit reports back with independent
tools, and compares every verdict with the JSON report of the same scan.

Usage: validate_formats.py KIND REPORT JSON_REPORT [XSD]
  csv    Python's csv module reads every row; every field is compared with
         the JSON report's (formula-like cells must carry a leading quote).
  ocsf   each event is validated with Prowler's OCSF models
         (py-ocsf-models: ComplianceFinding).
  asff   each line is a BatchImportFindings request, validated with
         botocore's parameter validation of the securityhub operation
         (offline: no request is made).
  junit  validated against the JUnit XSD (xmlschema); failures and errors
         match the JSON report's fail and unknown verdicts.
  asff-import  (third argument: the emulator's endpoint) each line is sent,
         as it is, to BatchImportFindings of the AWS emulator with boto3
         (credentials from the environment), in the region of its findings,
         and GetFindings must give back every finding with its status.
Prints one line per problem and exits 1 if there is any.
"""
import csv
import json
import sys

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: str) -> str:
    return "'" + value if value.startswith(DANGEROUS) else value


def xml_safe(value: str) -> str:
    return "".join(
        c if c in "\t\n\r" or (ord(c) >= 0x20 and c not in "\ufffe\uffff") else "\ufffd"
        for c in value
    )


def attr_safe(value: str) -> str:
    return "".join(" " if c in "\t\n\r" else c for c in xml_safe(value))


def lines_of(promise):
    return ",".join(str(n) for n in [promise["line"], *promise.get("related_lines", [])])


def check_csv(path, report, problems):
    findings = report["findings"]
    rules = {r["id"]: r for r in report["rules"]}
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, strict=True))
    header, rows = rows[0], rows[1:]
    if header[:3] != ["status", "severity", "rule_id"]:
        problems.append(f"unexpected header {header}")
    if len(rows) != len(findings):
        problems.append(f"{len(rows)} rows, but the JSON report has {len(findings)} findings")
    for i, (row, f) in enumerate(zip(rows, findings), start=2):
        if len(row) != len(header):
            problems.append(f"row {i}: {len(row)} cells, header has {len(header)}")
            continue
        cell = dict(zip(header, row))
        r = f["resource"]
        expected = {
            "status": f["status"],
            "severity": f["severity"],
            "rule_id": f["rule_id"],
            "rule_title": rules[f["rule_id"]]["title"],
            "account": r["account"],
            "region": r["region"],
            "resource_type": r["type"],
            "resource_name": r["name"],
            "resource_arn": r["arn"],
            "message": f["message"],
            "evidence": "\n".join(f"{e['field']} = {e['value']} ({e['note']})" for e in f["evidence"]),
            "tags": "\n".join(f"{k}={v}" for k, v in sorted(r.get("tags", {}).items())),
            "policy_file": f["promise"]["file"],
            "policy_line": lines_of(f["promise"]),
            "promise": f["promise"]["text"],
            "controls": " ".join(rules[f["rule_id"]].get("controls", [])),
            "collected_at": report["collected_at"],
        }
        w = f.get("waiver") or {}
        expected.update({
            "waiver_reason": w.get("reason", ""),
            "waiver_owner": w.get("owner", ""),
            "waiver_expires": w.get("expires", ""),
            "waiver_ticket": w.get("ticket", ""),
            "waiver_file": f"{w['file']}:{w['line']}" if w else "",
        })
        for key, value in expected.items():
            if cell[key] != neutral(value):
                problems.append(f"row {i} {key}: {cell[key]!r} != {neutral(value)!r}")
        for key, value in cell.items():
            if value.startswith(DANGEROUS):
                problems.append(f"row {i} {key}: a spreadsheet would run {value!r}")


def check_ocsf(path, report, problems):
    from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding

    with open(path, encoding="utf-8") as f:
        events = json.load(f)
    findings = report["findings"]
    if len(events) != len(findings):
        problems.append(f"{len(events)} events, but {len(findings)} findings")
    # OCSF compliance status_id: 1 Pass, 2 Warning (no result for missing
    # information), 3 Fail.
    # A waived failure still fails; the finding's own status is
    # Suppressed (3) and its status_detail and unmapped.waiver the waiver.
    status = {"fail": 3, "unknown": 2, "pass": 1, "waived": 3}
    for i, (event, f) in enumerate(zip(events, findings)):
        try:
            model = ComplianceFinding.model_validate(event)
        except Exception as e:  # pydantic.ValidationError
            problems.append(f"event {i}: {e}")
            continue
        if int(model.class_uid) != 2003 or int(model.type_uid) != 2003 * 100 + int(model.activity_id):
            problems.append(f"event {i}: class_uid/type_uid {model.class_uid}/{model.type_uid}")
        if model.compliance.status_id is None or int(model.compliance.status_id) != status[f["status"]]:
            problems.append(f"event {i}: compliance status_id {model.compliance.status_id} for {f['status']}")
        if model.resources[0].uid != f["resource"]["arn"] or model.message != f["message"]:
            problems.append(f"event {i}: resource or message differ")
        if model.compliance.requirements != report_rule(report, f).get("controls", []) and (
            model.compliance.requirements or report_rule(report, f).get("controls")
        ):
            problems.append(f"event {i}: requirements {model.compliance.requirements}")
        if f["status"] == "waived":
            w = f["waiver"]
            if int(model.status_id) != 3 or w["reason"] not in (model.status_detail or ""):
                problems.append(f"event {i}: waived, but status {model.status_id} {model.status_detail!r}")
        if (event.get("unmapped") or {}).get("waiver") != f.get("waiver"):
            problems.append(f"event {i}: unmapped.waiver differs from the JSON report's waiver")


def report_rule(report, finding):
    return next(r for r in report["rules"] if r["id"] == finding["rule_id"])


def check_asff(path, report, problems):
    import botocore.session
    from botocore.validate import validate_parameters

    session = botocore.session.get_session()
    client = session.create_client(
        "securityhub",
        region_name="eu-north-1",
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    shape = client.meta.service_model.operation_model("BatchImportFindings").input_shape
    seen = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            request = json.loads(line)
            try:
                validate_parameters(request, shape)
            except Exception as e:  # botocore.exceptions.ParamValidationError
                problems.append(f"line {n}: {e}")
            batch = request.get("Findings", [])
            if not 1 <= len(batch) <= 100:
                problems.append(f"line {n}: {len(batch)} findings (BatchImportFindings takes 1 to 100)")
            regions = {x.get("Region") for x in batch}
            if len(regions) != 1:
                problems.append(f"line {n}: findings of several regions {regions}")
            for x in batch:
                if len(x.get("Title", "")) > 256 or len(x.get("Description", "")) > 1024:
                    problems.append(f"line {n}: Title or Description too long")
                region = x.get("Region")
                if f":securityhub:{region}:" not in x.get("ProductArn", ""):
                    problems.append(f"line {n}: ProductArn {x.get('ProductArn')} is not of {region}")
            seen.extend(batch)
    findings = report["findings"]
    if len(seen) != len(findings):
        problems.append(f"{len(seen)} ASFF findings, but {len(findings)} findings")
    ids = [x.get("Id") for x in seen]
    if len(set(ids)) != len(ids):
        problems.append("ASFF ids are not unique")
    status = {"fail": "FAILED", "unknown": "WARNING", "pass": "PASSED", "waived": "FAILED"}
    expected = sorted((f["resource"]["arn"], f["rule_id"], status[f["status"]]) for f in findings)
    got = sorted(
        (x["Resources"][0]["Id"], x["GeneratorId"].removeprefix("conform/"), x["Compliance"]["Status"])
        for x in seen
    )
    if expected != got:
        problems.append("ASFF verdicts differ from the JSON report's")
    # A waived failure is SUPPRESSED, with its waiver in Note and in the
    # product fields.
    waived = sorted(
        (f["resource"]["arn"], f["rule_id"], f["waiver"]["reason"], f["waiver"]["owner"], f["waiver"]["expires"])
        for f in findings
        if f["status"] == "waived"
    )
    got = sorted(
        (
            x["Resources"][0]["Id"],
            x["GeneratorId"].removeprefix("conform/"),
            x["ProductFields"].get("conform/Waiver/Reason"),
            x["ProductFields"].get("conform/Waiver/Owner"),
            x["ProductFields"].get("conform/Waiver/Expires"),
        )
        for x in seen
        if x.get("Workflow", {}).get("Status") == "SUPPRESSED"
    )
    if waived != got:
        problems.append(f"ASFF suppressed findings {got} differ from the waived verdicts {waived}")
    for x in seen:
        suppressed = x.get("Workflow", {}).get("Status") == "SUPPRESSED"
        reason = x["ProductFields"].get("conform/Waiver/Reason", "")
        if suppressed and (not reason or reason[:100] not in x.get("Note", {}).get("Text", "")):
            problems.append(f"{x['Id']}: suppressed without its waiver in Note")


def import_asff(path, report, endpoint, problems):
    import boto3

    imported = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            request = json.loads(line)
            region = request["Findings"][0]["Region"]
            client = boto3.client("securityhub", region_name=region, endpoint_url=endpoint)
            answer = client.batch_import_findings(**request)
            if answer["FailedCount"] or answer["SuccessCount"] != len(request["Findings"]):
                problems.append(f"line {n}: {answer['FailedCount']} failed: {answer.get('FailedFindings')}")
            for x in request["Findings"]:
                imported.setdefault(region, {})[x["Id"]] = x["Compliance"]["Status"]
    for region, sent in imported.items():
        client = boto3.client("securityhub", region_name=region, endpoint_url=endpoint)
        got = {x["Id"]: x["Compliance"]["Status"] for x in client.get_findings()["Findings"]}
        if got != sent:
            problems.append(f"{region}: GetFindings gave {len(got)} findings back, {len(sent)} were imported")
    if sum(len(v) for v in imported.values()) != len(report["findings"]):
        problems.append("not every finding was imported")


def justification(w):
    """The waiver as conform writes it on one line."""
    ticket = f", ticket {w['ticket']}" if w.get("ticket") else ""
    return f"{w['reason']} (owner: {w['owner']}, expires {w['expires']}{ticket}; {w['file']}:{w['line']})"


def check_junit(path, report, xsd, problems):
    import xml.etree.ElementTree as ET

    import xmlschema

    schema = xmlschema.XMLSchema(xsd)
    for error in schema.iter_errors(path):
        problems.append(f"{error.path}: {error.reason}")
    root = ET.parse(path).getroot()
    cases = root.findall("./testsuite/testcase")
    failures = [c.find("failure") for c in cases if c.find("failure") is not None]
    errors = [c.find("error") for c in cases if c.find("error") is not None]
    findings = report["findings"]
    fails = [f for f in findings if f["status"] == "fail"]
    unknowns = [f for f in findings if f["status"] == "unknown"]
    skipped = [c.find("skipped") for c in cases if c.find("skipped") is not None]
    waived_cases = [x for x in skipped if x.get("type") == "waived"]
    waived = [f for f in findings if f["status"] == "waived"]
    if sorted(x.get("message") for x in waived_cases) != sorted(
        attr_safe(f"waived: {justification(f['waiver'])}") for f in waived
    ):
        problems.append(
            f"{len(waived_cases)} skipped cases of type waived do not carry the waivers "
            f"of the {len(waived)} waived verdicts"
        )
    if len(failures) != len(fails) or len(errors) != len(unknowns):
        problems.append(
            f"{len(failures)} failures and {len(errors)} errors, "
            f"but {len(fails)} fail and {len(unknowns)} unknown verdicts"
        )
    if sorted(x.get("message") for x in failures) != sorted(attr_safe(f["message"]) for f in fails):
        problems.append("failure messages differ from the JSON report's")
    if int(root.get("failures")) != len(fails) or int(root.get("errors")) != len(unknowns):
        problems.append(f"testsuites counts {root.get('failures')}/{root.get('errors')} are wrong")


def main() -> int:
    kind, path, json_path, *rest = sys.argv[1:]
    with open(json_path, encoding="utf-8") as f:
        report = json.load(f)
    problems = []
    if kind == "csv":
        check_csv(path, report, problems)
    elif kind == "ocsf":
        check_ocsf(path, report, problems)
    elif kind == "asff":
        check_asff(path, report, problems)
    elif kind == "asff-import":
        import_asff(path, report, rest[0], problems)
    elif kind == "junit":
        check_junit(path, report, rest[0], problems)
    else:
        problems.append(f"unknown kind {kind}")
    for p in problems[:50]:
        print(p)
    if len(problems) > 50:
        print(f"... and {len(problems) - 50} more")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
