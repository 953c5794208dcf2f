"""Validates the example manifests for batch engines, offline:

    check_manifests.py kubernetes FILE.yaml
        every document against Kubernetes' OpenAPI schemas
        (kubernetes-validate, strict: unknown fields are errors)
    check_manifests.py batch-register FILE.json
    check_manifests.py batch-submit FILE.json
        the AWS Batch RegisterJobDefinition / SubmitJob request against the
        Batch API's input shape in botocore's service model

Prints one line of JSON: {"ok": true, "documents": [...]} with the parsed
documents, or {"ok": false, "errors": [...]} (and exits 1).
"""

import json
import sys


def kubernetes(path):
    import kubernetes_validate
    import yaml

    docs = [d for d in yaml.safe_load_all(open(path, encoding="utf-8")) if d is not None]
    errors = []
    for doc in docs:
        try:
            kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)
        except Exception as e:  # ValidationError, InvalidSchemaError, ...
            errors.append(f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}: {e}")
    return docs, errors


def batch(path, operation):
    import botocore.session
    from botocore.validate import ParamValidator

    request = json.load(open(path, encoding="utf-8"))
    model = botocore.session.get_session().get_service_model("batch")
    report = ParamValidator().validate(request, model.operation_model(operation).input_shape)
    return [request], ([report.generate_report()] if report.has_errors() else [])


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == "kubernetes":
        docs, errors = kubernetes(path)
    elif kind == "batch-register":
        docs, errors = batch(path, "RegisterJobDefinition")
    elif kind == "batch-submit":
        docs, errors = batch(path, "SubmitJob")
    else:
        sys.exit(f"unknown kind {kind}")
    if errors:
        print(json.dumps({"ok": False, "errors": errors}))
        return 1
    print(json.dumps({"ok": True, "documents": docs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
