#!/usr/bin/env python3
"""Writes examples/estate.json: a saved conform inventory of a small,
made-up estate that exercises every rule of the Kliv pack both ways.

The estate is data, not a recording: it is written here so that every
resource and why it is there can be read in one place. Run it again after
changing it; the test suite checks that the file loads and that every rule
has a passing and a failing resource in it.
"""
import json
import pathlib

A = "111122223333"
EU = "eu-north-1"
US = "us-east-1"


def place(region=EU):
    return {"account": A, "region": region}


def arn(service, region, rest):
    return f"arn:aws:{service}:{region}:{A}:{rest}"


def sg(id, name, ingress, tags=None):
    return {"arn": arn("ec2", EU, f"security-group/{id}"), "place": place(), "id": id, "name": name,
            "vpc_id": "vpc-0a1b2c3d", "tags": tags or {"Name": name}, "ingress": ingress}


def perm(protocol, frm=None, to=None, v4=(), v6=(), pl=(), groups=()):
    return {"protocol": protocol, "from_port": frm, "to_port": to, "ipv4_ranges": list(v4),
            "ipv6_ranges": list(v6), "prefix_list_ids": list(pl), "group_ids": list(groups)}


def nacl_entry(n, protocol, action, cidr="0.0.0.0/0", ports=None, egress=False, v6=None):
    e = {"rule_number": n, "protocol": protocol, "action": action, "egress": egress,
         "cidr_block": None if v6 else cidr, "ipv6_cidr_block": v6}
    if ports:
        e["port_from"], e["port_to"] = ports
    return e


def nacl(id, name, entries, subnets, default=False):
    return {"arn": arn("ec2", EU, f"network-acl/{id}"), "place": place(), "id": id, "vpc_id": "vpc-0a1b2c3d",
            "is_default": default, "tags": {"Name": name}, "entries": entries, "subnet_ids": subnets}


def eni(id, sgs, instance=None, requester=None, itype="interface", description=None, public_ip=None):
    return {"arn": arn("ec2", EU, f"network-interface/{id}"), "place": place(), "id": id,
            "interface_type": itype, "requester_id": requester, "requester_managed": requester is not None,
            "description": description, "instance_id": instance, "security_group_ids": sgs,
            "public_ip": public_ip, "tags": {}}


def instance(id, name, sgs, public_ip=None, az="eu-north-1a"):
    return {"arn": arn("ec2", EU, f"instance/{id}"), "place": place(), "id": id, "state": "running",
            "availability_zone": az, "public_ip": public_ip, "ipv6_addresses": [], "subnet_id": "subnet-0a01",
            "security_group_ids": sgs, "tags": {"Name": name}}


def volume(id, encrypted, instance):
    return {"arn": arn("ec2", EU, f"volume/{id}"), "place": place(), "id": id, "encrypted": encrypted,
            "kms_key_id": arn("kms", EU, "key/0f1e2d3c-0000-4000-8000-000000000001") if encrypted else None,
            "state": "in-use", "attached_instance_ids": [instance], "tags": {}}


def lb(name, kind, scheme, azs, listeners, sgs=()):
    short = {"application": "app", "network": "net"}[kind]
    return {"arn": arn("elasticloadbalancing", EU, f"loadbalancer/{short}/{name}/50dc6c495c0c9188"), "place": place(),
            "name": name, "kind": kind, "scheme": scheme, "dns_name": f"{name}-1234567890.{EU}.elb.amazonaws.com",
            "availability_zones": azs, "security_group_ids": list(sgs), "tags": {}, "listeners": listeners}


def listener(lb_name, protocol, port, policy=None, actions=None):
    return {"arn": arn("elasticloadbalancing", EU, f"listener/app/{lb_name}/50dc6c495c0c9188/{port:016x}"),
            "protocol": protocol, "port": port, "ssl_policy": policy,
            "default_actions": actions or [{"kind": "forward", "redirect_protocol": None, "redirect_port": None}]}


REDIRECT = [{"kind": "redirect", "redirect_protocol": "HTTPS", "redirect_port": "443"}]


def bucket(name, encryption):
    return {"arn": f"arn:aws:s3:::{name}", "place": place(), "name": name, "default_encryption": encryption}


def log_group(name, days, region=EU):
    return {"arn": arn("logs", region, f"log-group:{name}"), "place": place(region), "name": name,
            "retention_days": days}


def db(id, multi_az, public, cluster=None, az="eu-north-1a", engine="postgres"):
    return {"arn": arn("rds", EU, f"db:{id}"), "place": place(), "id": id, "engine": engine, "status": "available",
            "multi_az": multi_az, "availability_zone": az,
            "secondary_availability_zone": "eu-north-1b" if multi_az else None, "cluster_id": cluster,
            "read_replica_source": None, "publicly_accessible": public, "storage_encrypted": True, "tags": {}}


def cluster(id, members):
    return {"arn": arn("rds", EU, f"cluster:{id}"), "place": place(), "id": id, "engine": "aurora-postgresql",
            "multi_az": len(members) > 1, "availability_zones": ["eu-north-1a", "eu-north-1b", "eu-north-1c"],
            "members": [{"instance_id": m, "is_writer": i == 0} for i, m in enumerate(members)],
            "storage_encrypted": True, "tags": {}}


DATASETS = ["security-groups", "prefix-lists", "network-acls", "network-interfaces", "instances", "volumes",
            "ebs-encryption-by-default", "load-balancers", "classic-load-balancers", "ssl-policies", "log-groups",
            "db-instances", "db-clusters"]

ACCESS_DENIED = {"operation": "DescribeLogGroups", "code": "AccessDeniedException",
                 "message": "User: arn:aws:sts::111122223333:assumed-role/conform-scan/ci is not authorized to perform: logs:DescribeLogGroups"}

coverage = [{"account": A, "region": "global", "dataset": "buckets"}]
for region in (EU, US):
    for d in DATASETS:
        c = {"account": A, "region": region, "dataset": d}
        if region == US and d == "log-groups":
            c["error"] = ACCESS_DENIED  # the scan role lacks logs:DescribeLogGroups there
        coverage.append(c)

estate = {
    "format": "conform-inventory",
    "version": 1,
    "collected_at": "2026-11-20T06:00:00Z",
    "scope": [{"account": A, "partition": "aws", "regions": [EU, US]}],
    "coverage": coverage,
    "security_groups": [
        sg("sg-0a1b2c3d4e5f60001", "web-alb", [perm("tcp", 443, 443, v4=["0.0.0.0/0"], v6=["::/0"]),
                                               perm("tcp", 80, 80, v4=["0.0.0.0/0"])]),
        sg("sg-0a1b2c3d4e5f60002", "app-servers", [perm("tcp", 8080, 8080, groups=["sg-0a1b2c3d4e5f60001"]),
                                                   perm("tcp", 22, 22, v4=["10.0.0.0/8"])]),
        sg("sg-0a1b2c3d4e5f60003", "legacy-admin", [perm("tcp", 80, 443, v4=["0.0.0.0/0"])]),
        sg("sg-0a1b2c3d4e5f60004", "debug-all", [perm("-1", v6=["::/0"])]),
        sg("sg-0a1b2c3d4e5f60005", "partner-ssh", [perm("tcp", 22, 22, pl=["pl-0a1b2c3d4e5f60001"])]),
        sg("sg-0a1b2c3d4e5f60006", "office-ssh", [perm("tcp", 22, 22, pl=["pl-0a1b2c3d4e5f60002"])]),
    ],
    "prefix_lists": [
        {"arn": arn("ec2", EU, "prefix-list/pl-0a1b2c3d4e5f60001"), "place": place(), "id": "pl-0a1b2c3d4e5f60001",
         "name": "partner-egress", "owner_id": A, "address_family": "IPv4", "entries": ["198.51.100.0/24"]},
        {"arn": arn("ec2", EU, "prefix-list/pl-0a1b2c3d4e5f60002"), "place": place(), "id": "pl-0a1b2c3d4e5f60002",
         "name": "office-networks", "owner_id": A, "address_family": "IPv4",
         "entries": ["10.20.0.0/16", "10.30.0.0/16"]},
    ],
    "network_acls": [
        nacl("acl-0a1b2c3d4e5f60001", "default", [
            nacl_entry(100, "-1", "allow"), nacl_entry(32767, "-1", "deny"),
            nacl_entry(100, "-1", "allow", egress=True), nacl_entry(32767, "-1", "deny", egress=True)],
            ["subnet-0a01"], default=True),
        nacl("acl-0a1b2c3d4e5f60002", "public-web", [
            nacl_entry(100, "6", "allow", ports=(443, 443)), nacl_entry(110, "6", "allow", ports=(80, 80)),
            nacl_entry(120, "6", "allow", ports=(1024, 65535)), nacl_entry(130, "-1", "allow", cidr="10.0.0.0/8"),
            nacl_entry(32767, "-1", "deny"), nacl_entry(100, "-1", "allow", egress=True)],
            ["subnet-0a02", "subnet-0a03"]),
        nacl("acl-0a1b2c3d4e5f60003", "deny-ssh-then-allow-all", [
            nacl_entry(90, "6", "deny", ports=(22, 22)), nacl_entry(100, "-1", "allow"),
            nacl_entry(32767, "-1", "deny"), nacl_entry(100, "-1", "allow", egress=True)],
            ["subnet-0a04"]),
    ],
    "network_interfaces": [
        eni("eni-0a1b2c3d4e5f60001", ["sg-0a1b2c3d4e5f60001"], requester="amazon-elb",
            description="ELB app/web/50dc6c495c0c9188"),
        eni("eni-0a1b2c3d4e5f60002", ["sg-0a1b2c3d4e5f60002"], instance="i-0a1b2c3d4e5f60001"),
        eni("eni-0a1b2c3d4e5f60003", ["sg-0a1b2c3d4e5f60003"], instance="i-0a1b2c3d4e5f60002",
            public_ip="203.0.113.10"),
    ],
    "instances": [
        instance("i-0a1b2c3d4e5f60001", "app-1", ["sg-0a1b2c3d4e5f60002"]),
        instance("i-0a1b2c3d4e5f60002", "legacy-admin", ["sg-0a1b2c3d4e5f60003"], public_ip="203.0.113.10"),
    ],
    "volumes": [
        volume("vol-0a1b2c3d4e5f60001", True, "i-0a1b2c3d4e5f60001"),
        volume("vol-0a1b2c3d4e5f60002", False, "i-0a1b2c3d4e5f60002"),
    ],
    "ebs_encryption_by_default": [
        {"place": place(EU), "enabled": True},
        {"place": place(US), "enabled": False},
    ],
    "load_balancers": [
        lb("web", "application", "internet-facing", ["eu-north-1a", "eu-north-1b"], [
            listener("web", "HTTPS", 443, "ELBSecurityPolicy-FS-1-2-Res-2020-10"),
            listener("web", "HTTP", 80, actions=REDIRECT)], sgs=["sg-0a1b2c3d4e5f60001"]),
        lb("legacy", "application", "internet-facing", ["eu-north-1a"], [
            listener("legacy", "HTTP", 80),
            listener("legacy", "HTTPS", 8443, "ELBSecurityPolicy-2016-08")], sgs=["sg-0a1b2c3d4e5f60003"]),
        lb("ingest", "network", "internet-facing", ["eu-north-1a", "eu-north-1b"], [
            listener("ingest", "TCP", 443)]),
        lb("internal-api", "application", "internal", ["eu-north-1a"], [
            listener("internal-api", "HTTP", 8080)]),
    ],
    "ssl_policies": [
        {"place": place(), "name": "ELBSecurityPolicy-FS-1-2-Res-2020-10", "protocols": ["TLSv1.2"],
         "ciphers": ["ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
                     "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256"]},
        {"place": place(), "name": "ELBSecurityPolicy-2016-08", "protocols": ["TLSv1", "TLSv1.1", "TLSv1.2"],
         "ciphers": ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA256",
                     "ECDHE-RSA-AES128-SHA256", "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA",
                     "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-AES256-SHA384",
                     "ECDHE-RSA-AES256-SHA384", "ECDHE-RSA-AES256-SHA", "ECDHE-ECDSA-AES256-SHA",
                     "AES128-GCM-SHA256", "AES128-SHA256", "AES128-SHA", "AES256-GCM-SHA384", "AES256-SHA256",
                     "AES256-SHA"]},
    ],
    "buckets": [
        bucket("kliv-customer-databases", {"value": [{"algorithm": "AES256", "kms_key_id": None,
                                                      "bucket_key_enabled": False}]}),
        bucket("kliv-exports", {"value": None}),
        bucket("kliv-kms-archive", {"value": [{"algorithm": "aws:kms", "kms_key_id":
                                               arn("kms", EU, "key/0f1e2d3c-0000-4000-8000-000000000002"),
                                               "bucket_key_enabled": True}]}),
        bucket("kliv-audit", {"unreadable": {"operation": "GetBucketEncryption", "code": "AccessDenied",
                                             "message": "Access Denied"}}),
    ],
    "log_groups": [
        log_group("/kliv/api", 90),
        log_group("/kliv/debug", 7),
        log_group("/aws/lambda/thumbnailer", None),
    ],
    "db_instances": [
        db("orders", True, False),
        db("reports", False, True),
        db("ledger-1", False, False, cluster="ledger", az="eu-north-1a", engine="aurora-postgresql"),
        db("ledger-2", False, False, cluster="ledger", az="eu-north-1b", engine="aurora-postgresql"),
        db("analytics-1", False, False, cluster="analytics", az="eu-north-1c", engine="aurora-postgresql"),
    ],
    "db_clusters": [
        cluster("ledger", ["ledger-1", "ledger-2"]),
        cluster("analytics", ["analytics-1"]),
    ],
}

out = pathlib.Path(__file__).resolve().parent.parent / "examples" / "estate.json"
out.write_text(json.dumps(estate, indent=2, ensure_ascii=False) + "\n")
print(f"wrote {out}")
